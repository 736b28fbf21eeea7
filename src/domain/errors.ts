/**
 * Errors the product speaks in. Every entry point (API, CLI, import) turns these into
 * `{"error": {"code", "message", "details"}}` so a user always learns the field, the value and the reason.
 */
import { nestsDeeperThan } from './nesting.js';

export type ErrorDetails = Record<string, unknown> | Array<Record<string, unknown>> | undefined;

export class KithError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A conditional write (If-Match) named a version of the record that is no longer current: 412 with
 * what changed since, so the caller can merge and try again.
 */
export class PreconditionFailedError extends KithError {
  constructor(
    entity: string,
    id: string,
    expected: string,
    current: string,
    /** Fields changed since the expected version; null when that version is not one Kith knows. */
    changedFields: string[] | null,
  ) {
    super(
      'precondition_failed',
      changedFields
        ? `${entity} ${id} changed since version ${expected}: ${changedFields.join(', ') || 'no field'} changed`
        : `${entity} ${id} is not at version ${expected} (If-Match); read it again`,
      412,
      { entity, id, expected_etag: expected, current_etag: current, changed_fields: changedFields },
    );
  }
}

/** Operating system errors a person can act on, in words (the CLI's messages, a failed job's reason). */
export const SYSTEM_ERROR_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'already exists',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many files are open',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
};

/** The operating system errors a job's owner can act on without the path the job was writing. */
const JOB_SYSTEM_ERRORS: ReadonlySet<string> = new Set([
  'ENOSPC',
  'EDQUOT',
  'EACCES',
  'EPERM',
  'EROFS',
  'EMFILE',
]);

/**
 * Why background work failed, as its owner may read it (a job's `last_error`, an export's e-mail):
 * Kith's own errors say it already; an operating system error is named in words; anything else is an
 * internal error, whose message stays in the server's log.
 */
export function failureReason(error: unknown): string {
  if (error instanceof KithError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && JOB_SYSTEM_ERRORS.has(code)) return SYSTEM_ERROR_WORDS[code]!;
  return 'an internal error stopped it; it has been logged';
}

/** Past this many characters of JSON a rejected value is cut when an error repeats it. */
const SHOWN_VALUE_CHARS = 200;
/** Levels of nesting past which a rejected value is described, not written out. */
const SHOWN_NESTING = 32;

/** DEL and the C1 controls, which JSON.stringify leaves as they are (it escapes C0 only). */
const UNESCAPED_CONTROLS = /[\u007F-\u009F]/gu;

/**
 * A rejected value as an error shows it: its JSON, cut short past SHOWN_VALUE_CHARS with its length
 * (a 1 MB name must not come back as a 2 MB error). Every control character is escaped ("\u0007",
 * "\u0085"), so a name refused for one shows which.
 */
export function shownValue(value: unknown): string {
  // JSON.stringify walks a value recursively: a crafted one nested thousands deep would overflow it.
  if (nestsDeeperThan(value, SHOWN_NESTING)) return `(a value nested more than ${SHOWN_NESTING} levels deep)`;
  // JSON has no Infinity or NaN (a body's 1e309 reads as Infinity): shown as they are, not as null.
  const text = (
    typeof value === 'number' && !Number.isFinite(value)
      ? String(value)
      : (JSON.stringify(value) ?? String(value))
  ).replace(UNESCAPED_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length <= SHOWN_VALUE_CHARS
    ? text
    : `${text.slice(0, SHOWN_VALUE_CHARS - 40)}… (${text.length.toLocaleString('en')} characters)`;
}

/** The value as an error's details carry it: itself, or cut short as `shownValue` cuts it. */
export function detailValue(value: unknown): unknown {
  if (nestsDeeperThan(value, SHOWN_NESTING)) return shownValue(value);
  const text = JSON.stringify(value);
  return text === undefined || text.length <= SHOWN_VALUE_CHARS ? value : shownValue(value);
}

/** One field of one input is wrong. */
export class ValidationError extends KithError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    reason: string,
  ) {
    super('validation_failed', `${field}: ${reason} (got ${shownValue(value)})`, 400, {
      field,
      value: detailValue(value),
      reason,
    });
  }
}

/** Several fields of one input are wrong; reported together so a user fixes them in one go. */
export class ValidationErrors extends KithError {
  constructor(readonly errors: ValidationError[]) {
    super(
      'validation_failed',
      errors.map((e) => e.message).join('; '),
      400,
      errors.map((e) => e.details as Record<string, unknown>),
    );
  }
}

export class NotFoundError extends KithError {
  constructor(entity: string, id: string) {
    super('not_found', `${entity} ${JSON.stringify(id)} does not exist`, 404, { entity, id });
  }
}

/** A unique value (email, phone, identity, name…) already belongs to another record. */
export class ConflictError extends KithError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly existingId: string,
    entity = 'contact',
  ) {
    super('conflict', `${field} ${JSON.stringify(value)} already belongs to ${entity} ${existingId}`, 409, {
      field,
      value,
      existing_id: existingId,
    });
  }
}

export class AuthenticationError extends KithError {
  constructor(message = 'sign in or send a bearer token') {
    super('unauthenticated', message, 401);
  }
}

export class ForbiddenError extends KithError {
  constructor(message = 'this action needs the admin role') {
    super('forbidden', message, 403);
  }
}
