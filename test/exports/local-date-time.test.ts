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

/** What Intl reads a moment as, to the second: the reference the kept hours are held to. */
const intlFormats = new Map<string, Intl.DateTimeFormat>();
function intlLocal(ms: number, zone: string): string {
  let format = intlFormats.get(zone);
  if (!format)
    intlFormats.set(
      zone,
      (format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      })),
    );
  const part: Record<string, string> = {};
  for (const p of format.formatToParts(ms)) part[p.type] = p.value;
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`;
}

const TWO_YEARS = [Date.UTC(2025, 0, 1), Date.UTC(2027, 0, 1)] as const;
// Newfoundland changed at 00:01 local time until 2011, off the quarter hours: not tried before then.
it.each([
  ['Asia/Shanghai', [TWO_YEARS, [Date.UTC(1986, 0, 1), Date.UTC(1992, 0, 1)]]],
  ['America/New_York', [TWO_YEARS]],
  ['Europe/Berlin', [TWO_YEARS]],
  ['Asia/Kathmandu', [TWO_YEARS]],
  ['Asia/Kolkata', [TWO_YEARS]],
  ['America/St_Johns', [TWO_YEARS]],
  ['Australia/Lord_Howe', [TWO_YEARS]],
  ['Pacific/Chatham', [TWO_YEARS]],
  ['UTC', [TWO_YEARS]],
] as const)(
  'reads moments all through 2025–26 (Shanghai: and its summer times of 1986–91) in %s as Intl does',
  (zone, spans) => {
    const wrong: string[] = [];
    for (const [from, to] of spans)
      for (let ms = from; ms < to; ms += 67 * 60_000 + 13_123) {
        const iso = new Date(ms).toISOString();
        const expected = intlLocal(ms, zone);
        if (localDateTime(iso, zone) !== expected)
          wrong.push(`${iso}: ${localDateTime(iso, zone)} ≠ ${expected}`);
      }
    expect(wrong.slice(0, 5)).toEqual([]);
  },
);

it('takes text in other ISO forms, or out of range, the slow way or as it is', () => {
  expect(localDateTime('2026-12-06T13:05:09Z', 'Asia/Shanghai')).toBe('2026-12-06 21:05:09');
  expect(localDateTime('2026-12-06T13:65:09.000Z', 'Asia/Shanghai')).toBe('2026-12-06T13:65:09.000Z');
  expect(localDateTime('2026-13-06T13:05:09.000Z', 'Asia/Shanghai')).toBe('2026-13-06T13:05:09.000Z');
});

it('takes a zone by its IANA name in any case, and refuses one that is not a zone', () => {
  expect(checkTimeZone('time_zone', 'asia/shanghai')).toBe('Asia/Shanghai');
  expect(() => checkTimeZone('time_zone', 'Mars/Base')).toThrow(
    /time_zone: is not a time zone.*"Mars\/Base"/,
  );
  expect(() => checkTimeZone('time_zone', '+08:00')).toThrow(/is not a time zone/);
});
