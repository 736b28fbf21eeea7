/**
 * How much of an import file the readers take in. CSV and XLSX rows share the row and column limits;
 * an XLSX file also has limits on what it unpacks to, since a few megabytes of zip can hold gigabytes
 * of XML. The XLSX limits are settings (KITH_XLSX_*, read by `src/config.ts` through `xlsxLimits`), so
 * an operator can raise one for a genuine file without a rebuild.
 */
import { KithError } from '../../domain/errors.js';

export const MAX_COLUMNS = 1000;
/** A row's text, as for a CSV record: more is a broken file (or a cell missing its closing quote). */
export const MAX_RECORD_BYTES = 1024 * 1024;
/** Excel's own limit for the text of one cell; no file Excel writes has a longer one. */
export const MAX_CELL_CHARS = 32_767;
/** A ratio says little about a small part, and small parts are cheap whatever their ratio. */
export const RATIO_FLOOR_BYTES = 16 * 1024 * 1024;

export interface XlsxLimits {
  /** Unpacked size of any one part read: the sheet, the shared strings, the styles, the workbook. */
  partBytes: number;
  /** Unpacked size of all the parts one reading of the file goes through. */
  totalBytes: number;
  /** Memory the shared strings table may take; it is held while the sheet is read. */
  sharedStringsBytes: number;
  /** Unpacked size over packed size of a part, past RATIO_FLOOR_BYTES. */
  ratio: number;
}

export const XLSX_LIMIT_VARIABLES = {
  partBytes: 'KITH_XLSX_MAX_PART_MB',
  totalBytes: 'KITH_XLSX_MAX_TOTAL_MB',
  sharedStringsBytes: 'KITH_XLSX_MAX_SHARED_STRINGS_MB',
  ratio: 'KITH_XLSX_MAX_RATIO',
} as const satisfies Record<keyof XlsxLimits, string>;

const MB = 1024 * 1024;

function positive(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  unit: string,
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new KithError(
      'misconfigured',
      `${name} must be a positive number of ${unit} (got ${JSON.stringify(raw)})`,
      500,
    );
  }
  return value;
}

/** The limits the variables in `env` set (defaults for those unset). */
export function xlsxLimits(env: Record<string, string | undefined>): XlsxLimits {
  return {
    partBytes: positive(env, XLSX_LIMIT_VARIABLES.partBytes, 512, 'megabytes') * MB,
    totalBytes: positive(env, XLSX_LIMIT_VARIABLES.totalBytes, 1024, 'megabytes') * MB,
    sharedStringsBytes: positive(env, XLSX_LIMIT_VARIABLES.sharedStringsBytes, 64, 'megabytes') * MB,
    ratio: positive(env, XLSX_LIMIT_VARIABLES.ratio, 100, 'times'),
  };
}

export const DEFAULT_XLSX_LIMITS: XlsxLimits = xlsxLimits({});

/** "512 MB" for a limit given in megabytes; small test limits keep their decimals. */
export function megabytes(bytes: number): string {
  const mb = bytes / MB;
  return `${mb >= 10 ? Math.round(mb).toLocaleString('en') : Number(mb.toPrecision(3))} MB`;
}
