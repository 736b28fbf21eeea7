import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_BACK_OFF,
  ADDRESS_BACK_OFF,
  afterFailure,
  clientAddressKey,
  type FailureRecord,
  SignInThrottle,
  waitBeforeNextAttempt,
} from '../../src/auth/sign-in-throttle.js';
import { parseTrustProxy } from '../../src/config.js';
import { createTestKith, TEST_DIALECT } from '../support/test-kith.js';

const MINUTE = 60_000;

describe('sign-in back-off', () => {
  /** The wait right after `failures` failures in a row, one per minute-apart attempt. */
  const waitAfter = (failures: number, policy = ACCOUNT_BACK_OFF) => {
    let record: FailureRecord | undefined;
    for (let i = 0; i < failures; i++) record = afterFailure(record, policy, 0);
    return waitBeforeNextAttempt(record, policy, 0);
  };

  it('allows the free failures, then waits 1, 2, 4 … minutes up to the cap', () => {
    expect([0, 1, 4].map((n) => waitAfter(n))).toEqual([0, 0, 0]);
    expect([5, 6, 7, 8, 9, 10].map((n) => waitAfter(n) / MINUTE)).toEqual([1, 2, 4, 8, 16, 30]);
    expect(waitAfter(500) / MINUTE).toBe(30);
    expect([19, 20, 21, 26, 27].map((n) => waitAfter(n, ADDRESS_BACK_OFF) / MINUTE)).toEqual([
      0, 1, 2, 60, 60,
    ]);
  });

  it('counts the wait from the last failure and forgets failures a day after the last', () => {
    const record: FailureRecord = { failures: 6, lastFailureAt: 10 * MINUTE };
    expect(waitBeforeNextAttempt(record, ACCOUNT_BACK_OFF, 11 * MINUTE)).toBe(MINUTE);
    expect(waitBeforeNextAttempt(record, ACCOUNT_BACK_OFF, 12 * MINUTE)).toBe(0);
    expect(afterFailure(record, ACCOUNT_BACK_OFF, 12 * MINUTE)).toEqual({
      failures: 7,
      lastFailureAt: 12 * MINUTE,
    });
    const dayLater = 10 * MINUTE + ACCOUNT_BACK_OFF.forgetAfterMs;
    expect(afterFailure(record, ACCOUNT_BACK_OFF, dayLater)).toEqual({
      failures: 1,
      lastFailureAt: dayLater,
    });
    expect(waitBeforeNextAttempt({ failures: 50, lastFailureAt: 0 }, ACCOUNT_BACK_OFF, dayLater)).toBe(0);
  });

  it('keys a client address: IPv4 as is, IPv4-mapped IPv6 as IPv4, other IPv6 by its /64', () => {
    expect(clientAddressKey('203.0.113.7')).toBe('address:203.0.113.7');
    expect(clientAddressKey('::ffff:203.0.113.7')).toBe('address:203.0.113.7');
    expect(clientAddressKey('2001:db8:1:2:3:4:5:6')).toBe('address:2001:db8:1:2::/64');
    expect(clientAddressKey('2001:DB8:1:2::9')).toBe('address:2001:db8:1:2::/64');
    expect(clientAddressKey('not an address')).toBe('address:not an address');
  });
});

describe('KITH_TRUST_PROXY', () => {
  it('reads off, true, hop counts and lists of addresses, ranges and named ranges', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy(' FALSE ')).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy('True')).toBe(true);
    expect(parseTrustProxy('3')).toBe(3);
    expect(parseTrustProxy('uniquelocal, 2001:db8::/32')).toEqual(['uniquelocal', '2001:db8::/32']);
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/"10\.0\.0\.0\/33" is not an IP address/);
    expect(() => parseTrustProxy('10.0.0.1,,10.0.0.2')).toThrow(/"" is not an IP address/);
  });
});

describe(`the sign-in throttle on ${TEST_DIALECT}`, () => {
  it('lets exactly the allowance through when a burst of attempts hits a fresh account at once', async () => {
    const kith = await createTestKith();
    try {
      // Open the pool's connections first, so the burst's transactions really overlap on PostgreSQL.
      if (kith.store.dialect === 'postgres')
        await Promise.all(Array.from({ length: 10 }, () => sql`select pg_sleep(0.2)`.execute(kith.store.db)));
      const throttle = new SignInThrottle(kith.store.db);
      const verdicts = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          throttle.begin({ kind: 'sign_in', account: 'burst@example.com', address: `192.0.2.${i + 1}` }),
        ),
      );
      expect(verdicts.filter((v) => v.allowed)).toHaveLength(ACCOUNT_BACK_OFF.freeFailures);
    } finally {
      await kith.destroy();
    }
  });
});
