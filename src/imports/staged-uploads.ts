/**
 * Files uploaded once and used by several requests: the wizard sends a file with its first preview and
 * then names it by its handle (`upload_id`) when it reads it again another way, checks it (dry run) and
 * runs it, instead of sending it each time. Each lives under `<dataDir>/uploads/<upl_id>/` (0700, the
 * file 0600, like every file Kith keeps) with who sent it; only that user may use it. One that is never
 * run is removed once older than the age limit (swept whenever a file is staged or used); a run
 * (not a dry run) keeps its own copy and removes the staged one.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KithError, ValidationError } from '../domain/errors.js';
import { isIdOf, newId } from '../domain/ids.js';
import { makePrivateDir, restrictToOwner } from '../store/private-files.js';

/** How long an upload that was never run is kept. */
export const STAGED_UPLOAD_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface StagedUpload {
  upload_id: string;
  file_name: string;
  file_size: number;
  /** When it is removed unless an import runs it first. */
  expires_at: string;
}

interface StagedMeta {
  id: string;
  owner: string | null;
  file_name: string;
  file_size: number;
  created_at: string;
}

/** 404 `upload_not_found`: the handle names no upload of this user (never sent, expired, or run). */
export class UploadNotFoundError extends KithError {
  constructor(id: string, maxAgeMs: number) {
    super(
      'upload_not_found',
      `upload ${JSON.stringify(id)} does not exist or has expired (an upload is kept ${Math.round(maxAgeMs / 3_600_000)} hours until it is run); send the file again`,
      404,
      { upload_id: id },
    );
  }
}

export class StagedUploads {
  private readonly root: string;

  constructor(
    dataDir: string,
    private readonly maxAgeMs = STAGED_UPLOAD_MAX_AGE_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.root = path.join(dataDir, 'uploads');
  }

  private dirOf(id: string): string {
    return path.join(this.root, id);
  }

  private describe(meta: StagedMeta): StagedUpload {
    return {
      upload_id: meta.id,
      file_name: meta.file_name,
      file_size: meta.file_size,
      expires_at: new Date(Date.parse(meta.created_at) + this.maxAgeMs).toISOString(),
    };
  }

  /** Keeps `tempPath` (moved, not copied) as an upload of `owner`; answers its handle. */
  stage(tempPath: string, fileName: string, owner: string | null): StagedUpload {
    this.sweep();
    const id = newId('importUpload');
    const dir = this.dirOf(id);
    makePrivateDir(dir);
    const file = path.join(dir, 'file');
    try {
      fs.renameSync(tempPath, file);
    } catch (e) {
      // The temporary folder may be on another file system.
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
      fs.copyFileSync(tempPath, file);
    }
    restrictToOwner(file);
    const meta: StagedMeta = {
      id,
      owner,
      file_name: path.basename(fileName),
      file_size: fs.statSync(file).size,
      created_at: new Date(this.now()).toISOString(),
    };
    fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta), { mode: 0o600 });
    return this.describe(meta);
  }

  /** The upload's file, when `owner` sent it and it has not expired; 404 otherwise (never whose it is). */
  open(id: string, owner: string | null): StagedUpload & { filePath: string } {
    this.sweep();
    if (typeof id !== 'string' || !isIdOf('importUpload', id))
      throw new ValidationError('upload_id', id, 'must be an upload id (upl_…) from a preview');
    const meta = this.readMeta(id);
    if (!meta || meta.owner !== owner) throw new UploadNotFoundError(id, this.maxAgeMs);
    return { ...this.describe(meta), filePath: path.join(this.dirOf(id), 'file') };
  }

  /**
   * The upload, taken for a run (not a dry run): its folder is moved aside at once, so that of requests
   * sent together (a double click, a retry) one runs it and the others find it gone — 404, as after the
   * run — instead of each starting a run or failing half-way when the first removes it. `release` puts
   * it back when the run did not start; `discard` removes it once the run keeps its own copy.
   */
  take(
    id: string,
    owner: string | null,
  ): StagedUpload & { filePath: string; release(): void; discard(): void } {
    const upload = this.open(id, owner);
    const taken = path.join(this.root, `${id}.taken-${randomUUID()}`);
    try {
      fs.renameSync(this.dirOf(id), taken);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UploadNotFoundError(id, this.maxAgeMs);
      throw e;
    }
    return {
      ...upload,
      filePath: path.join(taken, 'file'),
      release: () => fs.renameSync(taken, this.dirOf(id)),
      discard: () => fs.rmSync(taken, { recursive: true, force: true }),
    };
  }

  /** Removes uploads older than the age limit (and any half-made one); answers how many. */
  sweep(): number {
    let entries: string[];
    try {
      entries = fs.readdirSync(this.root);
    } catch {
      return 0;
    }
    const cutoff = this.now() - this.maxAgeMs;
    let removed = 0;
    for (const name of entries) {
      const dir = this.dirOf(name);
      let created: number;
      try {
        // The folder's own time: a half-made upload (no meta yet) ages out too.
        created = fs.statSync(dir).mtimeMs;
        const meta = this.readStoredMeta(name);
        if (meta) created = Date.parse(meta.created_at);
      } catch {
        continue;
      }
      if (created <= cutoff) {
        fs.rmSync(dir, { recursive: true, force: true });
        removed++;
      }
    }
    return removed;
  }

  private readStoredMeta(id: string): StagedMeta | null {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.dirOf(id), 'meta.json'), 'utf8')) as StagedMeta;
    } catch {
      return null;
    }
  }

  /** The upload's meta while it has not expired. */
  private readMeta(id: string): StagedMeta | null {
    const meta = this.readStoredMeta(id);
    return meta && Date.parse(meta.created_at) + this.maxAgeMs > this.now() ? meta : null;
  }
}
