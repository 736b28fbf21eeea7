/** Runtime configuration, read once from the environment (names are part of the wire contract). */
import path from 'node:path';
import { assertRegion, type Region } from './domain/normalize/phone.js';
import { parseTrustProxy, type TrustProxySetting } from './server/trust-proxy.js';
import { OutboundPolicy } from './sync/outbound/outbound-policy.js';

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
  /** Import files at least this large are read on a worker thread (KITH_IMPORT_THREAD_MIN_BYTES, 1 MiB). */
  importThreadMinBytes: number;
  /** Which reverse proxies' X-Forwarded-For/-Proto to believe (KITH_TRUST_PROXY); none by default. */
  trustProxy: TrustProxySetting;
  /** Hosts, addresses and ranges outgoing requests may reach although internal (KITH_OUTBOUND_ALLOW). */
  outbound: OutboundPolicy;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): KithConfig {
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
  return {
    dataDir: path.resolve(env.KITH_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || null,
    port,
    host: env.HOST || '0.0.0.0',
    smtpUrl: env.SMTP_URL || null,
    defaultRegion: assertRegion(env.KITH_DEFAULT_REGION || 'CN'),
    publicUrl: env.KITH_PUBLIC_URL || null,
    deleteRetentionDays,
    automationLogDays,
    importThreadMinBytes,
    trustProxy: parseTrustProxy(env.KITH_TRUST_PROXY),
    // Parsed here so that a mistyped entry stops the process at start, naming the entry.
    outbound: OutboundPolicy.parse(env.KITH_OUTBOUND_ALLOW),
  };
}
