/**
 * The text formats of a contacts export (pure): what comes before the records, a run of records
 * appended to a Utf8Run, and what closes the file. A run of records can be made anywhere (the
 * export's worker threads make them) and runs are written in order; every format's runs concatenate,
 * which is why a JSON record always starts with its separator and the first one's is dropped when
 * written. Each record is appended on its own: one long string of a run's records costs more to
 * encode than the records cost to make (utf8-run.ts).
 */
import { protectCell } from '../domain/csv-cell-safety.js';
import { cellText, columnValue, type ExportColumn, type ExportedContact } from './export-columns.js';
import { jsonRecordWriter } from './export-json-record.js';
import { contactXml, xmlEnd, xmlStart } from './export-xml.js';
import type { Utf8Run } from './utf8-run.js';

export const TEXT_FORMATS = ['csv', 'json', 'ndjson', 'xml'] as const;
export type TextFormat = (typeof TEXT_FORMATS)[number];

export interface TextFormatLayout {
  /** What comes before the records; `header` is the columns' names as the export calls them. */
  head(header: readonly string[]): string;
  records(contacts: readonly ExportedContact[], columns: readonly ExportColumn[], run: Utf8Run): void;
  /** Characters (ASCII, so bytes too) the file's first run of records drops: JSON's leading comma. */
  leadingSeparator: number;
  tail(wroteAny: boolean): string;
}

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV field as RFC 4180 writes it: quoted, with quotes doubled, when it holds a comma, a quote or
 * a line break; as is otherwise. Written here rather than through csv-stringify because it is the
 * export's innermost loop (the library's per-record option handling was a seventh of an export).
 */
export function csvCell(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const TEXT_FORMAT_LAYOUTS: Record<TextFormat, TextFormatLayout> = {
  // UTF-8 with a BOM (Excel then reads Chinese correctly), lists joined by `;`, formula-safe cells.
  csv: {
    head: (header) => `\uFEFF${header.map((name) => csvCell(protectCell(name))).join(',')}\n`,
    records: (contacts, columns, run) => {
      for (const contact of contacts) {
        let line = '';
        for (let i = 0; i < columns.length; i++) {
          if (i > 0) line += ',';
          line += csvCell(protectCell(cellText(columnValue(contact, columns[i]!))));
        }
        run.append(`${line}\n`);
      }
    },
    leadingSeparator: 0,
    tail: () => '',
  },
  json: {
    head: () => '[',
    records: (contacts, columns, run) => {
      const record = jsonRecordWriter(columns);
      for (const contact of contacts) run.append(`,\n${record(contact)}`);
    },
    leadingSeparator: 1,
    tail: (wroteAny) => (wroteAny ? '\n]\n' : ']\n'),
  },
  ndjson: {
    head: () => '',
    records: (contacts, columns, run) => {
      const record = jsonRecordWriter(columns);
      for (const contact of contacts) run.append(`${record(contact)}\n`);
    },
    leadingSeparator: 0,
    tail: () => '',
  },
  xml: {
    head: () => xmlStart(),
    records: (contacts, columns, run) => {
      for (const contact of contacts) run.append(contactXml(contact, columns));
    },
    leadingSeparator: 0,
    tail: () => xmlEnd(),
  },
};

/** An XLSX row's cells: numbers stay numbers, text as text (Excel never runs a text cell as a formula). */
export function xlsxCells(contact: ExportedContact, columns: readonly ExportColumn[]) {
  return columns.map((column) => {
    const value = columnValue(contact, column);
    return typeof value === 'number' ? value : value === null ? null : cellText(value);
  });
}
