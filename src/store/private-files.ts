/**
 * Everything Kith keeps under KITH_DATA_DIR (the SQLite database, delete backups, stored import files,
 * failure files) holds personal data, so it is readable by Kith's own system user only: folders 0700,
 * files 0600, set explicitly where each is created rather than left to whatever umask a process has.
 */
import fs from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` and any missing parents as 0700 (folders that already exist keep their mode). */
export function makePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
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
