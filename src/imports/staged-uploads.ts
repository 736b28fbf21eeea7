/**
 * Files uploaded once and used by several requests: the wizard sends a file with its first preview and
 * then names it by its handle (`upload_id`) when it reads it again another way, checks it (dry run) and
 * runs it, instead of sending it each time. Each lives under `<dataDir>/uploads/<upl_id>/` (0700, the
 * file 0600, like every file Kith keeps) with who sent it; only that user may use it. One that is never
 * run is removed once older than the age limit (swept whenever a file is staged or used); a run
 * (not a dry run) keeps its own copy and removes the staged one, and its sender may discard it. What
 * one user has staged is bounded (`StagedUploadLimits`: a count and a total size), so repeated
 * previews cannot fill the disk within the day an upload lives.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KithError, ValidationError } from '../domain/errors.js';
import { isIdOf, newId } from '../domain/ids.js';
import { makePrivateDir, restrictToOwner } from '../store/private-files.js';

/** How long an upload that was never run is kept. */
export const STAGED_UPLOAD_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** The most one user may have staged and not yet run (KITH_MAX_STAGED_UPLOADS, KITH_MAX_STAGED_UPLOADS_MB). */
export interface StagedUploadLimits {
  count: number;
  bytes: number;
}

/** 20 files, 1 GiB: five files of the default upload limit (200 MB), a day of wizards left open. */
export const DEFAULT_STAGED_UPLOAD_LIMITS: StagedUploadLimits = { count: 20, bytes: 1024 * 1024 * 1024 };

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

/** A size as the messages say it: 1.5 GB, 200 MB, 12 KB, 300 bytes. */
export function sizeText(bytes: number): string {
  const units: [number, string][] = [
    [1024 ** 3, 'GB'],
    [1024 ** 2, 'MB'],
    [1024, 'KB'],
  ];
  for (const [size, unit] of units)
    if (bytes >= size) return `${Number((bytes / size).toFixed(1)).toLocaleString('en')} ${unit}`;
  return `${bytes} bytes`;
}

/**
 * 429 `too_many_staged_uploads`: the user already has as many uploads staged and not run as one user
 * may (count or total size). Details carry the limits, what is staged (each upload, oldest first, so a
 * client can run or discard them) and when the oldest expires.
 */
export class StagedUploadLimitError extends KithError {
  constructor(limits: StagedUploadLimits, staged: StagedUpload[], fileSize: number) {
    const bytes = staged.reduce((sum, u) => sum + u.file_size, 0);
    const overCount = staged.length + 1 > limits.count;
    const limit = overCount
      ? `${limits.count} uploads staged and not yet imported per user (KITH_MAX_STAGED_UPLOADS)`
      : `${sizeText(limits.bytes)} of uploads staged and not yet imported per user (KITH_MAX_STAGED_UPLOADS_MB)`;
    const oldest = staged[0];
    super(
      'too_many_staged_uploads',
      `this file (${sizeText(fileSize)}) is not kept: you have ${staged.length} ${staged.length === 1 ? 'upload' : 'uploads'} (${sizeText(bytes)}) staged and not yet imported, and the limit is ${limit}. Import or discard one (DELETE /api/imports/uploads/{upload_id}; details.uploads lists them)${oldest ? `, or wait until the oldest expires at ${oldest.expires_at}` : ''}`,
      429,
      {
        limit_count: limits.count,
        limit_bytes: limits.bytes,
        staged_count: staged.length,
        staged_bytes: bytes,
        file_bytes: fileSize,
        uploads: staged.map(({ upload_id, file_name, file_size, expires_at }) => ({
          upload_id,
          file_name,
          file_size,
          expires_at,
        })),
      },
    );
  }
}

export class StagedUploads {
  private readonly root: string;

  constructor(
    dataDir: string,
    private readonly maxAgeMs = STAGED_UPLOAD_MAX_AGE_MS,
    private readonly now: () => number = Date.now,
    readonly limits: StagedUploadLimits = DEFAULT_STAGED_UPLOAD_LIMITS,
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

  /** `owner`'s uploads staged and not yet run (nor expired), oldest first. */
  list(owner: string | null): StagedUpload[] {
    let entries: string[];
    try {
      entries = fs.readdirSync(this.root);
    } catch {
      return [];
    }
    const metas: StagedMeta[] = [];
    for (const name of entries) {
      // A folder taken for a run (`<id>.taken-…`) is that run's now.
      if (!isIdOf('importUpload', name)) continue;
      const meta = this.readMeta(name);
      if (meta && meta.owner === owner) metas.push(meta);
    }
    metas.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
    return metas.map((meta) => this.describe(meta));
  }

  /**
   * Refuses (429 too_many_staged_uploads) a file of `fileSize` bytes that would take `owner` past the
   * limits; a route checks before it reads the file, and `stage` again as it keeps it.
   */
  checkRoom(owner: string | null, fileSize: number): void {
    const staged = this.list(owner);
    const bytes = staged.reduce((sum, u) => sum + u.file_size, 0);
    if (staged.length + 1 > this.limits.count || bytes + fileSize > this.limits.bytes)
      throw new StagedUploadLimitError(this.limits, staged, fileSize);
  }

  /**
   * Keeps `tempPath` (moved, not copied) as an upload of `owner`; answers its handle. Refused (429
   * too_many_staged_uploads) past the user's limits, the file left where it was.
   */
  stage(tempPath: string, fileName: string, owner: string | null): StagedUpload {
    this.sweep();
    // Synchronous from here to the meta's write: two previews of one user cannot both pass it.
    this.checkRoom(owner, fs.statSync(tempPath).size);
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

  /** Removes `owner`'s upload; 404 upload_not_found when it names none of theirs (never whose it is). */
  discard(id: string, owner: string | null): void {
    const upload = this.take(id, owner);
    upload.discard();
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
