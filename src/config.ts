/**
 * Runtime configuration, read once from the environment (names are part of the wire contract). This is
 * the one module that reads `process.env` (an ESLint rule keeps it so): everything else gets its
 * settings passed down from here, through `src/services.ts` or an entry point.
 */
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { KithError } from './domain/errors.js';
import { assertRegion, type Region } from './domain/normalize/phone.js';
import { xlsxLimits, type XlsxLimits } from './imports/read/read-limits.js';
import type { StagedUploadLimits } from './imports/staged-uploads.js';
import { OutboundPolicy } from './sync/outbound/outbound-policy.js';

/** true (any peer), a number of nearest hops, or addresses / CIDR ranges of the proxies. */
export type TrustProxySetting = boolean | number | string[];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface KithConfig {
  dataDir: string;
  /** PostgreSQL when set; the embedded SQLite file under dataDir otherwise. */
  databaseUrl: string | null;
  port: number;
  host: string;
  smtpUrl: string | null;
  defaultRegion: Region;
  /** Public address used in links Kith prints (setup link). */
  publicUrl: string | null;
  /** Days a batch deletion can be restored (KITH_DELETE_RETENTION_DAYS, default 30). */
  deleteRetentionDays: number;
  /** Days automation evaluation logs are kept (KITH_AUTOMATION_LOG_DAYS, default 30). */
  automationLogDays: number;
  /** Days a background export's file can be downloaded before it is pruned (KITH_EXPORT_RETENTION_DAYS, 7). */
  exportRetentionDays: number;
  /** Exports one user may have queued, running or kept for download at once (KITH_MAX_EXPORTS_PER_USER, 20). */
  maxExportsPerUser: number;
  /**
   * Days an ended import keeps its files (the original, its failure and warnings files) before the
   * clean-up deletes them (KITH_IMPORT_FILE_RETENTION_DAYS, 30); null (`never`): kept until deleted by
   * hand. A dry run's are kept 24 hours at most either way, as a staged upload is.
   */
  importFileRetentionDays: number | null;
  /** Import mappings the team may keep saved under a name, in all (KITH_MAX_SAVED_MAPPINGS, 200). */
  maxSavedMappings: number;
  /** Import files at least this large are read on a worker thread (KITH_IMPORT_THREAD_MIN_BYTES, 1 MiB). */
  importThreadMinBytes: number;
  /** Which reverse proxies' X-Forwarded-For/-Proto to believe (KITH_TRUST_PROXY); none by default. */
  trustProxy: TrustProxySetting;
  /** Hosts, addresses and ranges outgoing requests may reach although internal (KITH_OUTBOUND_ALLOW). */
  outbound: OutboundPolicy;
  /** The server's log level (LOG_LEVEL, default info). */
  logLevel: LogLevel;
  /** Largest import file the API accepts (KITH_MAX_UPLOAD_MB, default 200). */
  maxUploadBytes: number;
  /**
   * The most one user may have staged by previews and not yet imported: a count
   * (KITH_MAX_STAGED_UPLOADS, default 20) and a total size (KITH_MAX_STAGED_UPLOADS_MB, default 1024,
   * or twice KITH_MAX_UPLOAD_MB when that is more; never less than KITH_MAX_UPLOAD_MB).
   */
  stagedUploadLimits: StagedUploadLimits;
  /** How long a job's lease lasts before another worker may take the job over (KITH_JOB_LEASE_SECONDS, 60). */
  jobLeaseMs: number;
  /** Sender of Kith's e-mails (KITH_MAIL_FROM); kith@<SMTP host> when unset. */
  mailFrom: string | null;
  /** What an XLSX file may unpack to (KITH_XLSX_MAX_PART_MB, _TOTAL_MB, _SHARED_STRINGS_MB, _RATIO). */
  xlsxLimits: XlsxLimits;
  /** Time limit of a customers-list read (KITH_QUERY_TIMEOUT_MS, default 5,000). */
  readTimeoutMs: number;
  /** SQLite read threads for the customers list (KITH_READ_THREADS, default 3). */
  readThreads: number;
  /**
   * The key that encrypts stored credentials of sync connections (KITH_SECRET_KEY: 32 bytes as 64 hex
   * digits or base64); null when unset, and then no credentials are stored.
   */
  secretKey: Buffer | null;
}

/**
 * A setting in the environment that cannot be used: its message names the variable, the value and what
 * it should be. Entry points show it as it is (`kith` exits 1 with it), never with a stack trace.
 */
export class ConfigError extends KithError {
  constructor(message: string) {
    super('invalid_config', message, 500);
  }
}

/** KITH_DEBUG=1: `kith` shows the stack trace of an unexpected error (for a bug report). */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env.KITH_DEBUG ?? '').trim().toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}

/** A URL as an error may repeat it: its password left out. */
function withoutPassword(url: string): string {
  return url.replace(/(\/\/[^/:@]*:)[^@/]*@/, '$1***@');
}

/** DATABASE_URL: a postgres:// (or postgresql://) URL; anything else stops the process naming it. */
export function parseDatabaseUrl(value: string | undefined): string | null {
  const text = (value ?? '').trim();
  if (text === '') return null;
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  if (!url || !['postgres:', 'postgresql:'].includes(url.protocol) || url.hostname === '')
    throw new ConfigError(
      `DATABASE_URL must be a PostgreSQL URL such as postgres://kith:secret@db:5432/kith, or unset for SQLite (got ${JSON.stringify(withoutPassword(text))})`,
    );
  return text;
}

/** KITH_SECRET_KEY: exactly 32 bytes, written as 64 hex digits or in base64 (`openssl rand -base64 32`). */
export function parseSecretKey(value: string | undefined): Buffer | null {
  const text = (value ?? '').trim();
  if (text === '') return null;
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32 || (!/^[0-9a-f]{64}$/i.test(text) && key.toString('base64') !== text))
    throw new Error(
      'KITH_SECRET_KEY must be 32 random bytes written as 64 hex digits or in base64 (make one with `openssl rand -base64 32`)',
    );
  return key;
}

/** A whole number from `min` to `max` from the variable `name`, or `fallback` when unset or empty. */
function wholeNumber(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  unit: string,
) {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new Error(`${name} must be a whole number of ${unit}, ${range} (got ${JSON.stringify(raw)})`);
  }
  return value;
}

/** A positive number from the variable `name`, or `fallback` when unset or empty. */
function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, unit: string): number {
  const raw = env[name];
  const value = raw === undefined || raw.trim() === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number of ${unit} (got ${JSON.stringify(raw)})`);
  return value;
}

/**
 * KITH_MAX_STAGED_UPLOADS and KITH_MAX_STAGED_UPLOADS_MB: what one user may keep staged. The size
 * defaults to 1 GiB (five files of the default upload limit), or twice the upload limit when that is
 * more; set below the upload limit, the largest file could never be previewed, so it is refused.
 */
function stagedUploadLimits(env: NodeJS.ProcessEnv, maxUploadMb: number): StagedUploadLimits {
  const count = wholeNumber(env, 'KITH_MAX_STAGED_UPLOADS', 20, 1, Number.MAX_SAFE_INTEGER, 'uploads');
  const megabytes = positiveNumber(
    env,
    'KITH_MAX_STAGED_UPLOADS_MB',
    Math.max(1024, 2 * maxUploadMb),
    'megabytes',
  );
  if (megabytes < maxUploadMb)
    throw new Error(
      `KITH_MAX_STAGED_UPLOADS_MB must be at least KITH_MAX_UPLOAD_MB (${maxUploadMb}), or one file of the largest size could not be staged (got ${JSON.stringify(env.KITH_MAX_STAGED_UPLOADS_MB)})`,
    );
  return { count, bytes: Math.floor(megabytes * 1024 * 1024) };
}

/**
 * KITH_IMPORT_FILE_RETENTION_DAYS: a positive number of days, or `never` (kept until deleted by hand);
 * 30 when unset. 0 is refused rather than read as "never" or as "at once": either reading would surprise
 * someone.
 */
export function parseImportFileRetentionDays(value: string | undefined): number | null {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '') return 30;
  if (text === 'never') return null;
  const days = Number(text);
  if (!Number.isFinite(days) || days <= 0)
    throw new Error(
      `KITH_IMPORT_FILE_RETENTION_DAYS must be a positive number of days, or never to keep import files until an administrator deletes them (got ${JSON.stringify(value)})`,
    );
  return days;
}

/** Names @fastify/proxy-addr understands for its built-in ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * KITH_TRUST_PROXY: which reverse proxies may tell the server, through X-Forwarded-For/-Proto/-Host,
 * who the client is and whether it connected over HTTPS. That decides the client address the sign-in
 * throttle counts and whether cookies get `Secure`. Off by default: without a proxy, those headers
 * come from the client and must not be believed. Throws naming the value and what it should be.
 */
export function parseTrustProxy(value: string | undefined): TrustProxySetting {
  const text = (value ?? '').trim();
  if (text === '' || text.toLowerCase() === 'false') return false;
  if (text.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops === 0 ? false : hops;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (!NAMED_RANGES.has(entry) && !ipaddr.isValid(entry) && !ipaddr.isValidCIDR(entry))
      throw new Error(
        `KITH_TRUST_PROXY: ${JSON.stringify(entry)} is not an IP address, a CIDR range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal (got ${JSON.stringify(value)}; use true, a number of proxy hops, or a comma-separated list)`,
      );
  }
  return entries;
}

/** The configuration from the process's environment, with some variables given on the command line. */
export function loadConfigWith(variables: Record<string, string>): KithConfig {
  return loadConfig({ ...process.env, ...variables });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): KithConfig {
  try {
    return readConfig(env);
  } catch (e) {
    // Every reader throws a message naming its variable; some (region, outbound, XLSX limits) as a
    // plain Error: all of them are a setting to fix, not a bug.
    throw e instanceof ConfigError ? e : new ConfigError((e as Error).message);
  }
}

function readConfig(env: NodeJS.ProcessEnv): KithConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number between 0 and 65535 (got ${JSON.stringify(env.PORT)})`);
  }
  const deleteRetentionDays = Number(env.KITH_DELETE_RETENTION_DAYS ?? 30);
  if (!Number.isFinite(deleteRetentionDays) || deleteRetentionDays <= 0) {
    throw new Error(
      `KITH_DELETE_RETENTION_DAYS must be a positive number of days (got ${JSON.stringify(env.KITH_DELETE_RETENTION_DAYS)})`,
    );
  }
  const automationLogDays = Number(env.KITH_AUTOMATION_LOG_DAYS ?? 30);
  if (!Number.isFinite(automationLogDays) || automationLogDays <= 0) {
    throw new Error(
      `KITH_AUTOMATION_LOG_DAYS must be a positive number of days (got ${JSON.stringify(env.KITH_AUTOMATION_LOG_DAYS)})`,
    );
  }
  const importThreadMinBytes = Number(env.KITH_IMPORT_THREAD_MIN_BYTES ?? 1024 * 1024);
  if (!Number.isInteger(importThreadMinBytes) || importThreadMinBytes < 0) {
    throw new Error(
      `KITH_IMPORT_THREAD_MIN_BYTES must be a whole number of bytes, 0 or more (got ${JSON.stringify(env.KITH_IMPORT_THREAD_MIN_BYTES)})`,
    );
  }
  const maxUploadMb = positiveNumber(env, 'KITH_MAX_UPLOAD_MB', 200, 'megabytes');
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel))
    throw new Error(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(env.LOG_LEVEL)})`,
    );
  return {
    dataDir: path.resolve(env.KITH_DATA_DIR || './data'),
    databaseUrl: parseDatabaseUrl(env.DATABASE_URL),
    port,
    host: env.HOST || '0.0.0.0',
    smtpUrl: env.SMTP_URL || null,
    defaultRegion: assertRegion(env.KITH_DEFAULT_REGION || 'CN'),
    publicUrl: env.KITH_PUBLIC_URL || null,
    deleteRetentionDays,
    automationLogDays,
    exportRetentionDays: positiveNumber(env, 'KITH_EXPORT_RETENTION_DAYS', 7, 'days'),
    maxExportsPerUser: wholeNumber(
      env,
      'KITH_MAX_EXPORTS_PER_USER',
      20,
      1,
      Number.MAX_SAFE_INTEGER,
      'exports',
    ),
    importFileRetentionDays: parseImportFileRetentionDays(env.KITH_IMPORT_FILE_RETENTION_DAYS),
    maxSavedMappings: wholeNumber(
      env,
      'KITH_MAX_SAVED_MAPPINGS',
      200,
      1,
      Number.MAX_SAFE_INTEGER,
      'mappings',
    ),
    importThreadMinBytes,
    trustProxy: parseTrustProxy(env.KITH_TRUST_PROXY),
    // Parsed here so that a mistyped entry stops the process at start, naming the entry.
    outbound: OutboundPolicy.parse(env.KITH_OUTBOUND_ALLOW),
    logLevel,
    maxUploadBytes: maxUploadMb * 1024 * 1024,
    stagedUploadLimits: stagedUploadLimits(env, maxUploadMb),
    jobLeaseMs: positiveNumber(env, 'KITH_JOB_LEASE_SECONDS', 60, 'seconds') * 1000,
    mailFrom: env.KITH_MAIL_FROM || null,
    xlsxLimits: xlsxLimits(env),
    readTimeoutMs: wholeNumber(
      env,
      'KITH_QUERY_TIMEOUT_MS',
      5000,
      1,
      Number.MAX_SAFE_INTEGER,
      'milliseconds',
    ),
    readThreads: wholeNumber(env, 'KITH_READ_THREADS', 3, 1, 64, 'threads'),
    secretKey: parseSecretKey(env.KITH_SECRET_KEY),
  };
}
