/**
 * Failures of a batch's write that are not its rows' fault: another writer (a concurrent import, the API)
 * took a value between the batch's lookup and its insert, locked the same rows crosswise, or merged away
 * a contact the batch matched. The pipeline rolls the batch back and tries it again, matching it again,
 * since the other writer may now own the value. Pure, apart from reading the error.
 */
import { isUniqueViolation } from '../../store/database.js';
import type { RowKeys } from '../match/match-row-to-contact.js';

export type WriteConflict = 'unique' | 'deadlock' | 'serialization' | 'busy' | 'gone';

/** A contact the batch matched was merged or deleted before the batch could lock it. */
export class MatchedContactGoneError extends Error {
  constructor(readonly contactId: string) {
    super(`contact ${contactId} was merged or deleted while the batch was being written`);
  }
}

/** What kind of conflict with another writer `error` is, or null when it is not one. */
export function writeConflictOf(error: unknown): WriteConflict | null {
  if (error instanceof MatchedContactGoneError) return 'gone';
  if (isUniqueViolation(error)) return 'unique';
  switch ((error as { code?: unknown } | null)?.code) {
    case '40P01':
      return 'deadlock';
    case '40001':
      return 'serialization';
    // A lock not granted: PostgreSQL's lock_not_available, SQLite's busy timeout (another process).
    case '55P03':
    case 'SQLITE_BUSY':
      return 'busy';
    default:
      return null;
  }
}

const BASE_BACKOFF_MS = 25;
const MAX_BACKOFF_MS = 1000;

/**
 * Exponential back-off with full jitter: a random wait below 25 ms · 2^attempt (at most a second), so
 * writers that collided do not collide again in step.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt));
}

const TABLE_FIELDS: Record<string, string> = {
  contact_emails: 'email',
  contact_phones: 'phone',
  contact_identities: 'identity',
};

/** The field and value a unique index refused, from the error where it says (PostgreSQL), else the row. */
export function clashedValue(error: unknown, keys: RowKeys): { field: string; values: string[] } | null {
  const e = error as { table?: unknown; detail?: unknown; message?: unknown } | null;
  // PostgreSQL names the table and the key: `Key (value)=(a@b.c) already exists.`, `Key (type, value)=(crm, 7)`.
  let table = typeof e?.table === 'string' ? e.table : null;
  // SQLite: `UNIQUE constraint failed: contact_emails.value`.
  if (!table && typeof e?.message === 'string')
    table = /UNIQUE constraint failed: (\w+)\./.exec(e.message)?.[1] ?? null;
  const field = table ? TABLE_FIELDS[table] : undefined;
  if (!field) return null;
  const key =
    typeof e?.detail === 'string' ? /^Key \(([^)]*)\)=\((.*)\) already exists/.exec(e.detail) : null;
  if (field === 'identity') {
    const [type, value] = key?.[1] === 'type, value' ? key[2]!.split(', ', 2) : [];
    if (type !== undefined && value !== undefined) return { field: `identity ${type}`, values: [value] };
    const [first] = Object.entries(keys.identities);
    return first ? { field: `identity ${first[0]}`, values: [first[1]] } : null;
  }
  if (key?.[1] === 'value') return { field, values: [key[2]!] };
  const values = field === 'email' ? keys.emails : keys.phones;
  return values.length > 0 ? { field, values } : null;
}

/** The row's own values, for a reason that names what it collided on. */
function describeKeys(keys: RowKeys): string {
  return [
    ...(keys.id ? [`id ${JSON.stringify(keys.id)}`] : []),
    ...Object.entries(keys.identities).map(([type, value]) => `identity ${type} ${JSON.stringify(value)}`),
    ...keys.phones.map((v) => `phone ${JSON.stringify(v)}`),
    ...keys.emails.map((v) => `email ${JSON.stringify(v)}`),
  ].join(', ');
}

/**
 * Why a row failed that still collided with other writers when retried on its own: the field and value
 * where the database says which (else the row's values), and what the user can do.
 */
export function rowWriteFailure(error: unknown, keys: RowKeys): string {
  const again = 'and it still collided when retried alone; import this row again';
  if (writeConflictOf(error) === 'unique') {
    const clash = clashedValue(error, keys);
    if (clash) {
      const what = `${clash.field}${clash.values.length > 1 ? 's' : ''} ${clash.values.map((v) => JSON.stringify(v)).join(', ')}`;
      return `${what} could not be saved: another import or user was saving the same value at the same moment, ${again}`;
    }
  }
  return `the row could not be saved: other imports or users were changing the same contact (${describeKeys(keys)}) at the same moment, ${again}`;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/**
 * What went wrong, in words for the user, when the database failed an import for a reason that is not a
 * row's; null when `error` is not a database failure. The database's own text stays in the job's log.
 */
export function databaseFailure(error: unknown): string | null {
  const e = error as { code?: unknown; severity?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : null;
  if (code !== null && CONNECTION_CODES.has(code)) return 'the database could not be reached';
  if (typeof e?.message === 'string' && /^Connection terminated/.test(e.message))
    return 'the connection to the database was lost';
  // PostgreSQL's errors carry a severity and a SQLSTATE code, SQLite's a SQLITE_… code.
  if (code === null || !(code.startsWith('SQLITE_') || typeof e?.severity === 'string')) return null;
  if (writeConflictOf(error) !== null)
    return 'other imports or users kept writing the same contacts at the same moment';
  if (code.startsWith('08') || code.startsWith('57P')) return 'the connection to the database was lost';
  if (code.startsWith('53') || code === 'SQLITE_FULL') return 'the database ran out of disk space or memory';
  return `the database failed with error ${code}`;
}
