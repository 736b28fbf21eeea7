/**
 * Undoes what spreadsheets and Tmall's own export do to values so Excel shows them "safely": order
 * numbers as formulas (`="2836…"`), a `'` before numbers, a `元` or `¥` on amounts, `.00` appended to
 * ids. Pure; every function answers null for an empty cell.
 */

/** A cell with Excel's protections taken off and surrounding spaces trimmed. */
export function unquoteCell(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  // Line breaks inside quoted cells (addresses, messages) arrive as the file wrote them: CRLF or LF.
  let value = raw
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .trim();
  // ="2836…" (a formula that yields text) and =2836…
  const formula = /^=\s*"(.*)"$/s.exec(value) ?? /^=\s*([0-9]+)$/.exec(value);
  if (formula) value = formula[1]!.trim();
  // A leading apostrophe keeps Excel from reading the cell as a number.
  if (value.startsWith("'")) value = value.slice(1).trim();
  // A tab some exports prepend for the same reason.
  value = value.replace(/^\t+/, '').trim();
  if (value === '' || value === 'null' || value === 'NULL') return null;
  return value;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * An order number or other numeric id: digits, possibly with `.0`/`.00` a spreadsheet appended. A
 * number in scientific notation (`2.83612E+17`) lost its digits in the spreadsheet and is refused.
 */
export function parseSourceId(raw: string | undefined): Parsed<string | null> {
  const value = unquoteCell(raw);
  if (value === null) return { ok: true, value: null };
  if (/^[0-9.]+[eE]\+?[0-9]+$/.test(value))
    return {
      ok: false,
      reason: `is in scientific notation, so a spreadsheet rounded it and its digits are lost; export the file again without opening it in Excel`,
    };
  const trailing = /^([0-9]+)\.0+$/.exec(value);
  if (trailing) return { ok: true, value: trailing[1]! };
  return { ok: true, value };
}

/**
 * The largest amount in minor units: cents are held as a JavaScript number, exact up to 2^53 − 1 (the
 * orders' bigint columns hold more).
 */
export const MAX_AMOUNT_CENTS = Number.MAX_SAFE_INTEGER;

/** Why an amount past MAX_AMOUNT_CENTS either way is refused, with the range (a filter says it too). */
export const AMOUNT_OUT_OF_RANGE = `is out of range: an amount is from ${centsToDecimal(-MAX_AMOUNT_CENTS)} to ${centsToDecimal(MAX_AMOUNT_CENTS)}`;

/**
 * An amount as integer minor units (fen): `12.5`, `12.50元`, `¥1,234.00`, `￥0`. Never a float on the
 * way: the digits are read as text.
 */
export function parseAmountCents(raw: string | undefined): Parsed<number | null> {
  const value = unquoteCell(raw);
  if (value === null) return { ok: true, value: null };
  const cleaned = value
    .replace(/[元¥￥]|RMB|CNY/giu, '')
    .replace(/[,，\s]/gu, '')
    .trim();
  const match = /^(-?)([0-9]+)(?:\.([0-9]{1,2})0*)?$/.exec(cleaned) ?? /^(-?)()\.([0-9]{1,2})$/.exec(cleaned);
  if (!match) return { ok: false, reason: 'is not an amount (expected e.g. 128.50)' };
  const whole = match[2] === '' ? 0 : Number(match[2]);
  const fraction = Number((match[3] ?? '').padEnd(2, '0'));
  const cents = whole * 100 + fraction;
  if (!Number.isSafeInteger(cents)) return { ok: false, reason: AMOUNT_OUT_OF_RANGE };
  return { ok: true, value: match[1] === '-' ? -cents : cents };
}

/** Integer minor units as the wire's decimal string: 12850 → "128.50". */
export function centsToDecimal(cents: number | string | null): string | null {
  if (cents === null) return null;
  const n = Number(cents);
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A wire decimal string ("128.5", "128.50") as minor units, or null when it is not one. */
export function decimalToCents(value: string): number | null {
  const parsed = parseAmountCents(value);
  return parsed.ok ? parsed.value : null;
}

/**
 * A Tmall time (`2026-11-01 10:23:45`, `2026/11/1 10:23`, China time: Tmall writes no offset) as
 * ISO-8601 UTC text. An explicit offset or Z is honoured.
 */
export function parseTmallTime(raw: string | undefined, offsetMinutes = 480): Parsed<string | null> {
  const value = unquoteCell(raw);
  if (value === null || value === '-' || value === '0000-00-00 00:00:00') return { ok: true, value: null };
  const m =
    /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(
      value,
    );
  if (!m) return { ok: false, reason: 'is not a date and time (expected e.g. 2026-11-01 10:23:45)' };
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = m;
  let offset = offsetMinutes;
  if (zone === 'Z') offset = 0;
  else if (zone) {
    const digits = zone.replace(':', '');
    offset = (zone.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  const month = Number(mo);
  const day = Number(d);
  const utc = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s));
  const check = new Date(utc);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || Number(h) > 23 || Number(mi) > 59)
    return { ok: false, reason: 'is not a real date and time' };
  return { ok: true, value: new Date(utc - offset * 60_000).toISOString() };
}

/** Tmall masks personal data with asterisks (`138****1234`, `张**`, `江苏省 南京市 ****`). */
export function isMasked(value: string | null): boolean {
  return value !== null && /[*＊]/u.test(value);
}

/** A positive whole quantity (`2`, `2.00`). */
export function parseQuantity(raw: string | undefined): Parsed<number | null> {
  const value = unquoteCell(raw);
  if (value === null) return { ok: true, value: null };
  const m = /^([0-9]+)(?:\.0+)?$/.exec(value.replace(/[,，]/g, ''));
  if (!m) return { ok: false, reason: 'is not a whole quantity' };
  return { ok: true, value: Number(m[1]) };
}
