/**
 * Reading an import's multipart upload (`POST /api/imports/preview`, `POST /api/imports`): each file
 * part streamed to a temporary file (size-limited; only ever parsed as CSV/XLSX), the text parts kept,
 * and every way a body can be wrong refused by the part it names — a part sent twice, a text part cut
 * at its limit, a body cut short before its closing delimiter, a file sent as text, an unknown part.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { KithError, ValidationError } from '../domain/errors.js';
import { fieldPath } from '../domain/field-path.js';
import { findLoneSurrogate, LONE_SURROGATE_REASON } from '../domain/well-formed-text.js';

export interface Upload {
  filePath: string;
  fileName: string;
  /** Every file part by its field name (an order import sends `orders_file` and `items_file`). */
  files: Record<string, { filePath: string; fileName: string }>;
  fields: Record<string, string>;
  cleanup(): void;
}

/** An upload whose file part may be missing when the request names a staged upload (`upload_id`). */
export type ReceivedUpload = Omit<Upload, 'filePath'> & { filePath: string | null };

/** The parts an import upload may send: its files, and its text fields. */
const UPLOAD_FILES = ['file', 'orders_file', 'items_file'];
const UPLOAD_FIELDS = ['upload_id', 'kind', 'mapping', 'options'];

/** The most a text part (`options`, `mapping`) may hold; the multipart reader cuts it there (app.ts). */
export const MAX_UPLOAD_FIELD_BYTES = 1024 * 1024;

/** What the multipart reader (busboy) says of a body that is not multipart/form-data as declared. */
const MALFORMED_MULTIPART =
  /^(Multipart: Boundary not found|Unexpected end of (multipart )?(data|form)|Part terminated early|Malformed part header)/;

/**
 * Whether the body carried its closing delimiter (`--boundary--`), watched as it streams past (a
 * delimiter split between two chunks included). Content never holds it: a boundary is chosen not to
 * appear in any part.
 */
function watchForCloseDelimiter(request: FastifyRequest): () => boolean {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(request.headers['content-type'] ?? '');
  // No boundary at all: the reader refuses the body itself.
  if (!m) return () => true;
  const close = Buffer.from(`--${m[1] ?? m[2]}--`);
  let seen = false;
  let tail = Buffer.alloc(0);
  const keep = close.length - 1;
  const onData = (chunk: Buffer) => {
    const across = Buffer.concat([tail, chunk.subarray(0, keep)]);
    if (across.includes(close) || chunk.includes(close)) {
      seen = true;
      request.raw.off('data', onData);
      return;
    }
    // The last bytes seen, where a delimiter split by the next chunk begins.
    tail = Buffer.from(
      chunk.length >= keep
        ? chunk.subarray(chunk.length - keep)
        : across.subarray(Math.max(0, across.length - keep)),
    );
  };
  request.raw.on('data', onData);
  return () => seen;
}

export async function receiveUpload(
  request: FastifyRequest,
  maxUploadBytes: number,
  handleAllowed = false,
): Promise<ReceivedUpload> {
  if (!request.isMultipart())
    throw new ValidationError(
      'body',
      request.headers['content-type'] ?? null,
      'must be multipart/form-data with a file part',
    );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-upload-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  const fields: Record<string, string> = {};
  let filePath: string | null = null;
  let fileName = 'upload';
  const files: Upload['files'] = {};
  // A part sent twice was read as its last copy: a second `file` replaced the first, a second `options`
  // without dry_run ran for real. A text part past the reader's limit arrived cut short and read as
  // "must be JSON". Both are refused once the body is read (refusing mid-body would leave it unread).
  let repeated: { name: string; value: string } | null = null;
  let cut: { name: string; value: string } | null = null;
  let partCount = 0;
  try {
    const parts = request.parts()[Symbol.asyncIterator]();
    // The first step starts the reader (the body piped into busboy); the watch listens beside it.
    const first = parts.next();
    const closeDelimiterSeen = watchForCloseDelimiter(request);
    for (let next = first; ; next = parts.next()) {
      const { value: part, done } = await next;
      if (done) {
        // The reader ends a body cut short between parts as if it were complete: without this, an
        // upload whose options (`{"dry_run": true}`) were cut off ran as a real import.
        if (!closeDelimiterSeen()) throw new Error('Unexpected end of multipart data');
        break;
      }
      if (part.type === 'file') {
        const partName = uploadFileName(part.filename);
        const partPath = path.join(dir, `upload-${partCount++}`);
        const again = part.fieldname in files || part.fieldname in fields;
        if (again) repeated ??= { name: part.fieldname, value: partName };
        else files[part.fieldname] = { filePath: partPath, fileName: partName };
        if (!again && (filePath === null || part.fieldname === 'file')) {
          filePath = partPath;
          fileName = partName;
        }
        // A body cut short inside this file, when it had all arrived before the route read its parts (an
        // upload racing a slower sign-in check): the reader has already ended the parts and destroyed the
        // file unread, and writing it would wait for an end that never comes, until the request times out.
        if (part.file.destroyed && !part.file.readableEnded)
          throw new Error('Part terminated early due to unexpected end of multipart data');
        await pipeline(part.file, fs.createWriteStream(partPath));
        if (part.file.truncated) {
          throw new KithError(
            'payload_too_large',
            `the file is larger than the upload limit of ${maxUploadBytes / 1024 / 1024} MB (KITH_MAX_UPLOAD_MB)`,
            413,
            {
              limit_bytes: maxUploadBytes,
            },
          );
        }
      } else {
        const value = String(part.value);
        if (part.fieldname in fields || part.fieldname in files) repeated ??= { name: part.fieldname, value };
        else fields[part.fieldname] = value;
        if (part.valueTruncated) cut ??= { name: part.fieldname, value };
      }
    }
  } catch (e) {
    cleanup();
    if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new KithError(
        'payload_too_large',
        `the file is larger than the upload limit of ${maxUploadBytes / 1024 / 1024} MB (KITH_MAX_UPLOAD_MB)`,
        413,
      );
    }
    // @fastify/multipart's own limits (app.ts): said in our words, with what is allowed.
    const code = (e as { code?: string }).code;
    if (code === 'FST_FILES_LIMIT')
      throw new KithError(
        'too_many_files',
        'an import sends at most two files: "file", or a Tmall order report as "orders_file" with its items report as "items_file"',
        413,
      );
    if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT')
      throw new KithError('too_many_fields', 'an import sends at most 20 fields besides its files', 413);
    // The body itself is not multipart/form-data as its header says (no boundary, cut short).
    if (!(e instanceof KithError) && code === undefined && MALFORMED_MULTIPART.test((e as Error).message))
      throw new ValidationError(
        'body',
        request.headers['content-type'] ?? null,
        `is not well-formed multipart/form-data (${(e as Error).message}); send the file as a form part named "file"`,
      );
    throw e;
  }
  if (repeated || cut) {
    cleanup();
    if (repeated)
      throw new ValidationError(repeated.name, repeated.value, 'is sent more than once; send each part once');
    throw new ValidationError(
      cut!.name,
      cut!.value,
      `is longer than the ${MAX_UPLOAD_FIELD_BYTES / 1024 / 1024} MB a form field may hold`,
    );
  }
  const unknown =
    Object.keys(fields).find((name) => !UPLOAD_FIELDS.includes(name) && !UPLOAD_FILES.includes(name)) ??
    Object.keys(files).find((name) => !UPLOAD_FILES.includes(name));
  const asText = Object.keys(fields).find((name) => UPLOAD_FILES.includes(name));
  if (asText !== undefined) {
    cleanup();
    throw new ValidationError(
      asText,
      fields[asText],
      'must be sent as a file (a form part with a file name; curl: -F file=@path), not as text',
    );
  }
  if (unknown !== undefined) {
    cleanup();
    throw new ValidationError(
      unknown,
      fields[unknown] ?? files[unknown]?.fileName ?? null,
      `is not a part of an import upload; the parts are ${[...UPLOAD_FILES, ...UPLOAD_FIELDS].join(', ')}`,
    );
  }
  if (filePath && fields.upload_id !== undefined) {
    cleanup();
    throw new ValidationError(
      'upload_id',
      fields.upload_id,
      'is sent with a file; send the file, or the upload_id a preview answered, not both',
    );
  }
  if (!filePath && !(handleAllowed && fields.upload_id)) {
    cleanup();
    throw new ValidationError(
      'file',
      null,
      handleAllowed
        ? 'is required: send the CSV or XLSX file as a multipart part named "file", or the upload_id a preview answered'
        : 'is required: send the CSV or XLSX file as a multipart part named "file"',
    );
  }
  return { filePath, fileName, files, fields, cleanup };
}

/**
 * An uploaded file's name as kept (import history, the original's download): control characters
 * removed. One holding NUL was stored on SQLite and handed back in the download's name, and on
 * PostgreSQL refused the whole upload with "a text value holds the NUL character", naming nothing.
 */
// eslint-disable-next-line no-control-regex -- these are the characters removed
const FILE_NAME_CONTROLS = /[\u0000-\u001f\u007f]/g;

function uploadFileName(sent: string | undefined): string {
  const name = path
    .basename(sent ?? '')
    .replace(FILE_NAME_CONTROLS, '')
    .trim();
  return name === '' ? 'upload' : name;
}

/** A text part read as JSON (absent or empty: `fallback`), refused by name when it is not. */
export function jsonField<T>(fields: Record<string, string>, name: string, fallback: T): T {
  const raw = fields[name];
  if (raw === undefined || raw === '') return fallback;
  let parsed: T;
  try {
    parsed = JSON.parse(raw) as T;
  } catch {
    throw new ValidationError(name, raw, 'must be JSON');
  }
  // A form field's JSON is not checked with the JSON bodies (well-formed-body.ts): the same check here.
  const lone = findLoneSurrogate(parsed);
  if (lone) throw new ValidationError(fieldPath(name, lone.field), lone.value, LONE_SURROGATE_REASON);
  return parsed;
}
