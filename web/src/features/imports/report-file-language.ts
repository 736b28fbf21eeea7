/**
 * The failure file (失败记录文件) and the warnings file in the reader's language. The server writes them
 * in English (the CLI and the API hand them on as they are); the web app rewrites the last column —
 * each reason as the result page says it, the field it names first, the server's words kept beside a
 * summary that leaves something out — and the column's name, which an import of the fixed file still
 * recognises and ignores (src/imports/report/report-columns.ts, reportKindOf).
 */
import type { TFunction } from 'i18next';
import { parse } from 'csv-parse/browser/esm/sync';
import { stringify } from 'csv-stringify/browser/esm/sync';
import { reasonWords, rowReasons } from './import-errors';

export type ReportFileKind = 'failures' | 'warnings';

/** One cell of the last column in the reader's words. */
export function reasonCell(text: string, t: TFunction, fieldLabel: (field: string) => string): string {
  // Each row's reason names its own row of the imported file first ("row 5: the same email … as row
  // 6"): kept in the reader's words, for a reason that names another row needs it to be found.
  const row = /^row (\d+): /.exec(text)?.[1];
  const reasons = rowReasons(row === undefined ? text : text.slice(`row ${row}: `.length))
    .map((reason) => {
      const words = reasonWords(reason.text, t);
      if (!words) return reason.text;
      const said = words.complete ? words.text : `${words.text}（${reason.text}）`;
      // A field's reason in words no longer names its field: said first, as the result page shows it.
      return reason.field && words.complete && !reason.text.includes(' belongs to ')
        ? `${fieldLabel(reason.field)}：${said}`
        : said;
    })
    .join('；');
  return row === undefined ? reasons : `${t('imports.rowReport.rowPrefix', { n: row })}${reasons}`;
}

/** A report file's rows as the server wrote them, each cell without the CSV's formula guard. */
export function reportRows(csv: string): string[][] {
  const rows = parse(csv.replace(/^\uFEFF/, ''), { relax_column_count: true, bom: true }) as string[][];
  return rows.map((row) => row.map(unprotect));
}

/** The rows with the last column's name and reasons in the reader's language; the other cells as they are. */
export function reportRowsIn(
  rows: string[][],
  kind: ReportFileKind,
  t: TFunction,
  fieldLabel: (field: string) => string,
): string[][] {
  const [header, ...body] = rows;
  if (!header || header.length === 0) return rows;
  const last = header.length - 1;
  const named = [...header.slice(0, last), t(`imports.${kind}.column`)];
  const translated = body.map((row) =>
    row.map((cell, i) => (i === last && cell !== '' ? reasonCell(cell, t, fieldLabel) : cell)),
  );
  return [named, ...translated];
}

/**
 * The file rewritten: the same rows and cells, the last column's name and reasons in the reader's
 * language. A BOM in front, as the server writes it, so that Excel reads Chinese as Chinese.
 */
export function reportFileIn(
  csv: string,
  kind: ReportFileKind,
  t: TFunction,
  fieldLabel: (field: string) => string,
): string {
  const rows = reportRows(csv);
  if (!rows[0] || rows[0].length === 0) return csv;
  return `\uFEFF${stringify(reportRowsIn(rows, kind, t, fieldLabel).map((row) => row.map(protect)))}`;
}

/** Formula-safe as every file Kith writes (src/domain/csv-cell-safety.ts): the server's rule, kept here. */
const FORMULA_START = /^[=+\-@\t\r]/;
const protect = (value: string) => (FORMULA_START.test(value) ? `'${value}` : value);
const unprotect = (value: string) =>
  value.length > 1 && value[0] === "'" && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
