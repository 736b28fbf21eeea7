/**
 * The last column Kith adds to the report files it writes (the failure file's reason, the warnings
 * file's), and what an import of such a file does with it: knows the file for what it is and leaves the
 * column out. Pure: the mapping stage and the report stage both read it.
 */
import { headerKey } from '../map/header-synonyms.js';

export type ReportKind = 'failures' | 'warnings';

/**
 * Last columns Kith adds to the files it writes, and the file each ends; an import of such a file
 * ignores them. The web app names them in Chinese for a Chinese reader
 * (web/src/features/imports/report-file-language.ts).
 */
const REPORT_COLUMN_KINDS: ReadonlyMap<string, ReportKind> = new Map([
  ['error', 'failures'],
  ['失败原因', 'failures'],
  ['warning', 'warnings'],
  ['警告原因', 'warnings'],
]);

/**
 * Which report file a header is, by the column Kith adds last: a failure file (`error`, 失败原因) or a
 * warnings file (`warning`, 警告原因); null for any other file.
 */
export function reportKindOf(header: readonly string[]): ReportKind | null {
  return REPORT_COLUMN_KINDS.get(headerKey(header[header.length - 1] ?? '')) ?? null;
}

/** The file's own columns: the header without a report column it may end in (a report imported again). */
export function reportColumns(header: string[]): string[] {
  return reportKindOf(header) ? header.slice(0, -1) : header;
}
