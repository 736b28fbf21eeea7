import { expect, it } from 'vitest';
import { checkTimeZone, localDateTime } from '../../src/exports/local-date-time.js';

it.each([
  ['2026-12-06T13:05:09.123Z', 'Asia/Shanghai', '2026-12-06 21:05:09'],
  ['2026-12-31T16:00:00.000Z', 'Asia/Shanghai', '2027-01-01 00:00:00'],
  ['2026-12-06T13:05:09.000Z', 'UTC', '2026-12-06 13:05:09'],
  ['2026-01-01T00:00:00.000Z', 'America/New_York', '2025-12-31 19:00:00'],
  // Either side of Berlin's spring and autumn changes.
  ['2026-03-29T00:59:59.000Z', 'Europe/Berlin', '2026-03-29 01:59:59'],
  ['2026-03-29T01:00:00.000Z', 'Europe/Berlin', '2026-03-29 03:00:00'],
  ['2026-10-25T00:30:00.000Z', 'Europe/Berlin', '2026-10-25 02:30:00'],
  ['2026-10-25T01:30:00.000Z', 'Europe/Berlin', '2026-10-25 02:30:00'],
  // Zones a quarter or half hour off, and Lord Howe's half-hour summer time.
  ['2026-12-06T13:05:09.000Z', 'Asia/Kathmandu', '2026-12-06 18:50:09'],
  ['2026-12-06T13:05:09.000Z', 'Asia/Kolkata', '2026-12-06 18:35:09'],
  ['2026-04-05T15:45:00.000Z', 'Australia/Lord_Howe', '2026-04-06 02:15:00'],
  ['not a moment', 'Asia/Shanghai', 'not a moment'],
])('%s in %s reads %s', (iso, zone, expected) => {
  expect(localDateTime(iso, zone)).toBe(expected);
});

it('takes a zone by its IANA name in any case, and refuses one that is not a zone', () => {
  expect(checkTimeZone('time_zone', 'asia/shanghai')).toBe('Asia/Shanghai');
  expect(() => checkTimeZone('time_zone', 'Mars/Base')).toThrow(
    /time_zone: is not a time zone.*"Mars\/Base"/,
  );
  expect(() => checkTimeZone('time_zone', '+08:00')).toThrow(/is not a time zone/);
});
