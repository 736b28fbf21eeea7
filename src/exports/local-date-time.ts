/**
 * A moment as people read it in a time zone (pure): `2026-12-06T13:05:09.123Z` in Asia/Shanghai is
 * `2026-12-06 21:05:09`. For exports written for people; the API and exports by key keep ISO 8601 in UTC.
 * The zone's offset is asked of Intl once per quarter hour of time (every offset change falls on one)
 * and kept, since an export formats two or four moments for each of a million contacts.
 */
import { ValidationError } from '../domain/errors.js';

const QUARTER_HOUR_MS = 15 * 60 * 1000;
const KEPT_OFFSETS = 50_000;

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

/** `YYYY-MM-DD HH:mm:ss` in `zone`; text that is not a moment is returned as it is. */
export function localDateTime(iso: string, zone: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const text = new Date(ms + offsetAt(ms, zone)).toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 19)}`;
}
