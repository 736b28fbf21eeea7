/**
 * Spreadsheet formula injection: a cell starting with = + - @ (or a tab / carriage return) is run as a
 * formula by Excel. Kith writes such cells with a leading apostrophe, which Excel shows as text, and
 * removes that apostrophe again when a file Kith wrote is imported back.
 * Shared by every file Kith writes (failure files, duplicate pairs, exports) and the import that reads them.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function protectCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function unprotectCell(value: string): string {
  return value.length > 1 && value[0] === "'" && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}
