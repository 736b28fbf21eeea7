/**
 * Throttles guesses at credentials — sign-in passwords and the first-run setup token — per account and
 * per client address, with back-off. The account is the e-mail as sign-in folds it
 * (`signInAccountOf`), so every spelling of one account shares one allowance; the address is the
 * client's (`request.ip`, the client behind a trusted proxy), so one address cannot spray many
 * accounts. State lives in the database: several server processes can share one PostgreSQL database,
 * and an allowance kept per process would multiply with them.
 *
 * An attempt is counted as a failure before the credentials are checked (and uncounted when they turn
 * out right), so concurrent attempts cannot all slip through while the first ones are still being
 * verified.
 */
import ipaddr from 'ipaddr.js';
import type { Kysely } from 'kysely';
import { KithError } from '../domain/errors.js';
import { appendAuditEntry } from '../history/audit-log.js';
import type { KithDatabase, SignInThrottleTable } from '../store/schema.js';
import { sqlDialectOf } from '../store/sql-dialect.js';
import type { Queryable } from '../store/transaction.js';

export interface BackOffPolicy {
  /** Failures allowed before any wait. */
  freeFailures: number;
  /** The wait after the last free failure; it doubles with every failure after that. */
  firstWaitMs: number;
  maxWaitMs: number;
  /** Failures are forgotten this long after the last one. */
  forgetAfterMs: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** One account: 5 failures, then 1, 2, 4 … minutes between attempts, at most 30. */
export const ACCOUNT_BACK_OFF: BackOffPolicy = {
  freeFailures: 5,
  firstWaitMs: MINUTE_MS,
  maxWaitMs: 30 * MINUTE_MS,
  forgetAfterMs: DAY_MS,
};

/**
 * One client address, across all accounts (password spraying): 20 failures, then 1, 2, 4 … minutes,
 * at most 60. Higher than an account's, since an office behind one address shares it.
 */
export const ADDRESS_BACK_OFF: BackOffPolicy = {
  freeFailures: 20,
  firstWaitMs: MINUTE_MS,
  maxWaitMs: 60 * MINUTE_MS,
  forgetAfterMs: DAY_MS,
};

export interface FailureRecord {
  failures: number;
  /** Milliseconds since the epoch. */
  lastFailureAt: number;
}

function liveFailures(record: FailureRecord | undefined, policy: BackOffPolicy, now: number): number {
  return record && now - record.lastFailureAt < policy.forgetAfterMs ? record.failures : 0;
}

/** Milliseconds until the next attempt may be made; 0 when it may be made now. */
export function waitBeforeNextAttempt(
  record: FailureRecord | undefined,
  policy: BackOffPolicy,
  now: number,
): number {
  const failures = liveFailures(record, policy, now);
  if (!record || failures < policy.freeFailures) return 0;
  const wait = Math.min(policy.maxWaitMs, policy.firstWaitMs * 2 ** (failures - policy.freeFailures));
  return Math.max(0, record.lastFailureAt + wait - now);
}

/** The record after one more failure at `now` (failures older than the policy remembers start over). */
export function afterFailure(
  record: FailureRecord | undefined,
  policy: BackOffPolicy,
  now: number,
): FailureRecord {
  return { failures: liveFailures(record, policy, now) + 1, lastFailureAt: now };
}

export function accountKey(account: string): string {
  return `account:${account}`;
}

/**
 * The key of a client address. An IPv4-mapped IPv6 address is its IPv4 address; any other IPv6
 * address counts by its /64, since one subscriber is usually given a whole /64 to pick from.
 */
export function clientAddressKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return `address:${ip}`;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return `address:${address.toString()}`;
  const prefix = (address as ipaddr.IPv6).toNormalizedString().split(':').slice(0, 4).join(':');
  return `address:${prefix}::/64`;
}

export type CredentialKind = 'sign_in' | 'setup';
export type ThrottleScope = 'account' | 'address';

export interface ThrottleSubject {
  kind: CredentialKind;
  /** The client's address (`request.ip`). */
  address: string;
  /** `signInAccountOf(email)`; null for setup, or when the e-mail names no possible account. */
  account: string | null;
}

/** An attempt that was let through and counted as a failure until told otherwise. */
export interface CountedAttempt {
  /** The credentials were right: the account's failures are cleared and the address's attempt uncounted. */
  succeeded(): Promise<void>;
  /** The attempt was refused for a reason that is not a wrong credential: it no longer counts. */
  withdraw(): Promise<void>;
}

export type ThrottleVerdict =
  | { allowed: true; attempt: CountedAttempt }
  | { allowed: false; retryAfterSeconds: number; limitedBy: ThrottleScope };

/** 429: the attempt was refused without looking at the credentials. */
export class TooManyAttemptsError extends KithError {
  constructor(
    kind: CredentialKind,
    readonly limitedBy: ThrottleScope,
    readonly retryAfterSeconds: number,
  ) {
    const what = kind === 'setup' ? 'setup' : 'sign-in';
    const whose = limitedBy === 'account' ? 'for this account' : 'from your network address';
    super(
      'rate_limited',
      `too many failed ${what} attempts ${whose}; try again in ${describeWait(retryAfterSeconds)}`,
      429,
      { limited_by: limitedBy, retry_after_seconds: retryAfterSeconds },
    );
  }
}

function describeWait(seconds: number): string {
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

interface ThrottleKey {
  key: string;
  scope: ThrottleScope;
  policy: BackOffPolicy;
}

function keysOf(subject: ThrottleSubject): ThrottleKey[] {
  const keys: ThrottleKey[] = [
    { key: clientAddressKey(subject.address), scope: 'address', policy: ADDRESS_BACK_OFF },
  ];
  // The setup token is a single 256-bit secret: guessing it is hopeless, and locking it globally
  // would only let a stranger keep the administrator from setting Kith up. It is throttled per address.
  if (subject.account !== null)
    keys.push({ key: accountKey(subject.account), scope: 'account', policy: ACCOUNT_BACK_OFF });
  // One order for every transaction, so two of them never wait on each other's rows crosswise.
  return keys.sort((a, b) => (a.key < b.key ? -1 : 1));
}

function recordOf(row: SignInThrottleTable | undefined): FailureRecord | undefined {
  return row && { failures: row.failures, lastFailureAt: Date.parse(row.last_failure_at) };
}

interface Refusal {
  key: ThrottleKey;
  waitMs: number;
}

function refusalOf(keys: ThrottleKey[], rows: Map<string, SignInThrottleTable>, now: number): Refusal | null {
  let longest: Refusal | null = null;
  for (const key of keys) {
    const waitMs = waitBeforeNextAttempt(recordOf(rows.get(key.key)), key.policy, now);
    if (waitMs > 0 && (!longest || waitMs > longest.waitMs)) longest = { key, waitMs };
  }
  return longest;
}

export class SignInThrottle {
  constructor(
    private readonly db: Kysely<KithDatabase>,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Whether an attempt may check its credentials now. A refused attempt must not check them; an
   * allowed one is counted as a failure until `succeeded()` or `withdraw()` says otherwise.
   */
  async begin(subject: ThrottleSubject): Promise<ThrottleVerdict> {
    const keys = keysOf(subject);
    const now = this.clock();
    // A refusal is decided without the write lock, so a flood of refused attempts stays cheap.
    const outcome: Refusal | { previousAt: Map<string, string | null> } =
      refusalOf(keys, await this.read(this.db, keys, false), now) ??
      (await this.db.transaction().execute(async (trx) => {
        // Every key gets a row before it is locked: PostgreSQL locks only rows that exist, and a burst
        // of attempts at a fresh account would otherwise all find nothing to wait for.
        await trx
          .insertInto('sign_in_throttle')
          .values(
            keys.map((k) => ({
              key: k.key,
              failures: 0,
              last_failure_at: new Date(now).toISOString(),
              throttled_audited_at: null,
            })),
          )
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
        const rows = await this.read(trx, keys, true);
        return refusalOf(keys, rows, now) ?? { previousAt: await this.count(trx, keys, rows, now) };
      }));
    if ('waitMs' in outcome) {
      await this.audit(subject, outcome, now);
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil(outcome.waitMs / 1000)),
        limitedBy: outcome.key.scope,
      };
    }
    await this.forgetOld(now);
    const stamp = new Date(now).toISOString();
    const uncount = (trx: Queryable, key: string) =>
      this.uncount(trx, key, stamp, outcome.previousAt.get(key) ?? null);
    return {
      allowed: true,
      attempt: {
        succeeded: () =>
          this.db.transaction().execute(async (trx) => {
            for (const key of keys) {
              if (key.scope === 'account')
                await trx.deleteFrom('sign_in_throttle').where('key', '=', key.key).execute();
              else await uncount(trx, key.key);
            }
          }),
        withdraw: () =>
          this.db.transaction().execute(async (trx) => {
            for (const key of keys) await uncount(trx, key.key);
          }),
      },
    };
  }

  private async read(
    db: Queryable,
    keys: ThrottleKey[],
    lock: boolean,
  ): Promise<Map<string, SignInThrottleTable>> {
    let query = db
      .selectFrom('sign_in_throttle')
      .selectAll()
      .where(
        'key',
        'in',
        keys.map((k) => k.key),
      )
      .orderBy('key');
    // SQLite's write transactions already run one at a time (BEGIN IMMEDIATE).
    if (lock && sqlDialectOf(db) === 'postgres') query = query.forUpdate();
    const rows = await query.execute();
    return new Map(rows.map((row) => [row.key, row]));
  }

  private async count(
    trx: Queryable,
    keys: ThrottleKey[],
    rows: Map<string, SignInThrottleTable>,
    now: number,
  ): Promise<Map<string, string | null>> {
    const at = new Date(now).toISOString();
    const previousAt = new Map<string, string | null>();
    for (const key of keys) {
      const row = rows.get(key.key);
      previousAt.set(key.key, row?.last_failure_at ?? null);
      const next = afterFailure(recordOf(row), key.policy, now);
      await trx
        .updateTable('sign_in_throttle')
        .set({ failures: next.failures, last_failure_at: at })
        .where('key', '=', key.key)
        .execute();
    }
    return previousAt;
  }

  /** Takes back one counted failure, and its time when no later failure replaced it. */
  private async uncount(
    trx: Queryable,
    key: string,
    stamp: string,
    previousAt: string | null,
  ): Promise<void> {
    await trx
      .updateTable('sign_in_throttle')
      .set((eb) => ({
        failures: eb
          .case()
          .when('failures', '>', 0)
          .then(eb('failures', '-', 1))
          .else(0)
          .end(),
        last_failure_at: eb
          .case()
          .when('last_failure_at', '=', stamp)
          .then(previousAt ?? stamp)
          .else(eb.ref('last_failure_at'))
          .end(),
      }))
      .where('key', '=', key)
      .execute();
    // A successful sign-in leaves no trace of its address behind.
    await trx.deleteFrom('sign_in_throttle').where('key', '=', key).where('failures', '=', 0).execute();
  }

  /**
   * One audit entry per refused key between two counted failures: the first refusal is recorded, the
   * flood behind it is not (a refused attempt costs an attacker nothing, and must not fill the log).
   */
  private async audit(subject: ThrottleSubject, refusal: Refusal, now: number): Promise<void> {
    const at = new Date(now).toISOString();
    await this.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('sign_in_throttle')
        .set({ throttled_audited_at: at })
        .where('key', '=', refusal.key.key)
        .where((eb) =>
          eb.or([
            eb('throttled_audited_at', 'is', null),
            eb('throttled_audited_at', '<', eb.ref('last_failure_at')),
          ]),
        )
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) return;
      await appendAuditEntry(trx, {
        entityType: subject.kind,
        entityId: subject.account ?? subject.address,
        action: 'throttled',
        changes: [
          { field: 'address', old: null, new: subject.address },
          ...(subject.account === null ? [] : [{ field: 'account', old: null, new: subject.account }]),
          { field: 'limited_by', old: null, new: refusal.key.scope },
          { field: 'retry_after_seconds', old: null, new: Math.ceil(refusal.waitMs / 1000) },
        ],
        actor: { userId: null, channel: 'api' },
        at,
      });
    });
  }

  /** Drops keys whose failures every policy has forgotten. */
  private async forgetOld(now: number): Promise<void> {
    const cutoff = new Date(
      now - Math.max(ACCOUNT_BACK_OFF.forgetAfterMs, ADDRESS_BACK_OFF.forgetAfterMs),
    ).toISOString();
    let query = this.db.deleteFrom('sign_in_throttle');
    query =
      sqlDialectOf(this.db) === 'postgres'
        ? // Rows an attempt holds locked are left for next time instead of waited for.
          query.where('key', 'in', (eb) =>
            eb
              .selectFrom('sign_in_throttle')
              .select('key')
              .where('last_failure_at', '<', cutoff)
              .forUpdate()
              .skipLocked(),
          )
        : query.where('last_failure_at', '<', cutoff);
    await query.execute();
  }
}
