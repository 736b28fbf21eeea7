/**
 * A moment as people read it in a time zone (pure): `2026-12-06T13:05:09.123Z` in Asia/Shanghai is
 * `2026-12-06 21:05:09`. For exports written for people; the API and exports by key keep ISO 8601 in UTC.
 * The zone's offset is asked of Intl once per quarter hour of time (every offset change falls on one)
 * and kept, since an export formats two or four moments for each of a million contacts.
 *
 * Kith writes its moments as `toISOString` does (`2026-12-06T13:05:09.123Z`), and a store's moments
 * spread over years: a million contacts created over four years touch 140,000 quarter hours, more than
 * are kept, and asking Intl (3.5 µs) for each cost an export 2–2.5 µs a moment. So such text takes a
 * quicker way: what the 24 hours of each UTC day (`2026-12-06`) read locally (`2026-12-06 21:`…) is
 * worked out once and kept, and a moment's minutes and seconds are copied over (shifted, in a zone a half
 * or quarter hour off). A day is worked out from its offset, asked of Intl at the day's first and last
 * quarter hour: the same offset at both holds all day (no zone changes its offset twice in one day). A
 * day with an offset change, and any other text, take the quarter-hour way.
 */
import { ValidationError } from '../domain/errors.js';

const QUARTER_HOUR_MS = 15 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const KEPT_OFFSETS = 50_000;
/** Days kept per zone: 130 years of them. */
const KEPT_DAYS = 50_000;

const formats = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

/** The IANA zone as given (`Asia/Shanghai`, `UTC`), or a refusal naming the field. */
export function checkTimeZone(field: string, zone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new ValidationError(
      field,
      zone,
      'is not a time zone; name one as the IANA database does (Asia/Shanghai, Europe/Berlin, UTC)',
    );
  }
}

function formatIn(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formats.set(zone, format);
  }
  return format;
}

/** Minutes the zone is ahead of UTC at `ms`, in milliseconds. */
function offsetAt(ms: number, zone: string): number {
  const key = `${zone} ${Math.floor(ms / QUARTER_HOUR_MS)}`;
  const kept = offsets.get(key);
  if (kept !== undefined) return kept;
  const at = Math.floor(ms / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
  const part: Record<string, number> = {};
  for (const p of formatIn(zone).formatToParts(at)) if (p.type !== 'literal') part[p.type] = Number(p.value);
  const local = Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!);
  const offset = local - at;
  if (offsets.size >= KEPT_OFFSETS) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/**
 * A UTC hour as it reads in a zone: `low` is the local `YYYY-MM-DD HH:` its minute 0 falls in, `shift`
 * the minutes past that local hour (0 in a zone a whole number of hours off), `high` the local hour
 * after `low`, which the UTC hour's later minutes reach when `shift` is not 0.
 */
interface LocalHour {
  shift: number;
  low: string;
  high: string;
}

/** Per zone: by UTC day (`2026-12-06`), what its 24 hours read there, or null (the quarter-hour way). */
const localDays = new Map<string, Map<string, LocalHour[] | null>>();

const localHourText = (ms: number) => {
  const text = new Date(ms).toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 13)}:`;
};

function localDay(utcDay: string, zone: string): LocalHour[] | null {
  const start = Date.parse(`${utcDay}T00:00:00.000Z`);
  if (Number.isNaN(start)) return null;
  const offset = offsetAt(start, zone);
  if (offset !== offsetAt(start + DAY_MS - QUARTER_HOUR_MS, zone) || offset % 60_000 !== 0) return null;
  const shift = (((offset / 60_000) % 60) + 60) % 60;
  const hours: LocalHour[] = [];
  for (let hour = 0; hour < 24; hour++) {
    const low = start + hour * HOUR_MS + offset - shift * 60_000;
    hours.push({ shift, low: localHourText(low), high: shift === 0 ? '' : localHourText(low + HOUR_MS) });
  }
  return hours;
}

const isDigit = (code: number, highest = 57) => code >= 48 && code <= highest;

/** `2026-12-06T13:05:09.123Z`, minutes and seconds in range: the text the quick way takes. */
const isIsoText = (iso: string) =>
  iso.length === 24 &&
  iso.charCodeAt(10) === 84 && // T
  iso.charCodeAt(13) === 58 && // :
  iso.charCodeAt(16) === 58 &&
  iso.charCodeAt(19) === 46 && // .
  iso.charCodeAt(23) === 90 && // Z
  isDigit(iso.charCodeAt(11), 50) &&
  isDigit(iso.charCodeAt(12)) &&
  isDigit(iso.charCodeAt(14), 53) &&
  isDigit(iso.charCodeAt(15)) &&
  isDigit(iso.charCodeAt(17), 53) &&
  isDigit(iso.charCodeAt(18));

/** `YYYY-MM-DD HH:mm:ss` in `zone`; text that is not a moment is returned as it is. */
export function localDateTime(iso: string, zone: string): string {
  if (isIsoText(iso)) {
    let days = localDays.get(zone);
    if (!days) localDays.set(zone, (days = new Map()));
    const utcDay = iso.slice(0, 10);
    let day = days.get(utcDay);
    if (day === undefined) {
      day = localDay(utcDay, zone);
      if (days.size >= KEPT_DAYS) days.clear();
      days.set(utcDay, day);
    }
    const hour = day?.[(iso.charCodeAt(11) - 48) * 10 + iso.charCodeAt(12) - 48];
    if (hour) {
      if (hour.shift === 0) return hour.low + iso.slice(14, 19);
      const minute = (iso.charCodeAt(14) - 48) * 10 + iso.charCodeAt(15) - 48 + hour.shift;
      return minute < 60
        ? `${hour.low}${minute < 10 ? '0' : ''}${minute}${iso.slice(16, 19)}`
        : `${hour.high}${minute < 70 ? '0' : ''}${minute - 60}${iso.slice(16, 19)}`;
    }
  }
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const text = new Date(ms + offsetAt(ms, zone)).toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 19)}`;
}
