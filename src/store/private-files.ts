/**
 * Everything Kith keeps under KITH_DATA_DIR (the SQLite database, delete backups, stored import files,
 * failure files) holds personal data, so it is readable by Kith's own system user only: folders 0700,
 * files 0600, set explicitly where each is created rather than left to whatever umask a process has.
 */
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` and any missing parents as 0700 (folders that already exist keep their mode), one at a
 * time from the nearest existing one: Node's recursive mkdir retries forever where a file system
 * answers ENOENT under an existing folder (`/proc/x`), which hung `KITH_DATA_DIR=/proc/x kith …`.
 */
export function makePrivateDir(dir: string): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); !fs.existsSync(at); at = path.dirname(at)) {
    missing.push(at);
    if (path.dirname(at) === at) break;
  }
  for (const folder of missing.reverse()) {
    try {
      fs.mkdirSync(folder, { mode: PRIVATE_DIR_MODE });
    } catch (e) {
      // Made meanwhile by another process, or there but not visible to existsSync.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  // A file where the folder should be is refused as mkdir refuses it.
  if (!fs.statSync(dir).isDirectory())
    throw Object.assign(new Error(`EEXIST: file already exists, mkdir '${dir}'`), {
      code: 'EEXIST',
      errno: -17,
      syscall: 'mkdir',
      path: dir,
    });
}

/**
 * Makes sure `file` exists and is 0600: created empty with that mode when missing, tightened when an
 * older version left it readable to others. A file of another user is left alone (chmod is theirs).
 */
export function ensurePrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  restrictToOwner(file);
}

/** chmod 0600 when the file exists and this user may change it; a missing file is no error. */
export function restrictToOwner(file: string): void {
  try {
    if ((fs.statSync(file).mode & 0o777) !== PRIVATE_FILE_MODE) fs.chmodSync(file, PRIVATE_FILE_MODE);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw e;
  }
}
