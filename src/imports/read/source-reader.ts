/**
 * Stage 1 of the import pipeline: read. Opens a CSV or XLSX file as a stream of records (arrays of cell
 * strings) with their row numbers as a spreadsheet shows them (the header is row 1). Memory stays flat
 * whatever the file size. Everything that makes a file unreadable becomes an ImportFileError that says
 * where and why.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { type Delimiter, describeDelimiter, detectDelimiter } from './detect-delimiter.js';
import { detectEncoding, type EncodingGuess, looksBinary, type TextEncoding } from './detect-encoding.js';
import { describeQuotePlace, locateOpenedQuote } from './csv-quotes.js';
import { excelTextCells } from './excel-text-cells.js';
import {
  type DocumentFormat,
  detectDocumentFormat,
  documentHeader,
  readDocumentRows,
} from './document-reader.js';
import { ImportFileError } from './import-file-error.js';
import { MAX_COLUMNS, MAX_RECORD_BYTES, type XlsxLimits } from './read-limits.js';
import { inspectXlsx, readXlsxRecords } from './xlsx-reader.js';

export { MAX_COLUMNS, MAX_RECORD_BYTES };
const SAMPLE_BYTES = 64 * 1024;

export interface SourceOptions {
  encoding?: TextEncoding;
  delimiter?: Delimiter;
  sheet?: string;
  /**
   * The row the user said holds the column names (1 = the first): a CSV file's delimiter is detected
   * from it on, so that title rows above it do not decide.
   */
  headerRow?: number;
  /** What an XLSX file may unpack to (the config's KITH_XLSX_* limits); defaults otherwise. */
  xlsxLimits?: XlsxLimits;
}

/** What an import reads: spreadsheets, and documents whose records become rows (document-reader.ts). */
export type SourceFormat = 'csv' | 'xlsx' | DocumentFormat;
export const SOURCE_FORMATS = ['csv', 'xlsx', 'json', 'ndjson', 'xml'] as const;

export interface SourceInfo {
  format: SourceFormat;
  encoding: TextEncoding | null;
  encodingConfidence: EncodingGuess['confidence'] | null;
  encodingReason: string | null;
  delimiter: Delimiter | null;
  sheets: string[];
  sheet: string | null;
  header: string[];
}

export interface SourceRecord {
  rowNumber: number;
  cells: string[];
}

function readSample(path: string): { sample: Buffer; complete: boolean; size: number } {
  const size = fs.statSync(path).size;
  const fd = fs.openSync(path, 'r');
  try {
    const sample = Buffer.alloc(Math.min(SAMPLE_BYTES, size));
    fs.readSync(fd, sample, 0, sample.length, 0);
    return { sample, complete: size <= SAMPLE_BYTES, size };
  } finally {
    fs.closeSync(fd);
  }
}

function isZip(sample: Buffer): boolean {
  return sample[0] === 0x50 && sample[1] === 0x4b && sample[2] === 0x03 && sample[3] === 0x04;
}

function isOle(sample: Buffer): boolean {
  return sample[0] === 0xd0 && sample[1] === 0xcf && sample[2] === 0x11 && sample[3] === 0xe0;
}

/** Looks at the file without reading all of it: format, encoding, delimiter, sheets, header. */
export async function inspectSource(path: string, options: SourceOptions = {}): Promise<SourceInfo> {
  const { sample, complete, size } = readSample(path);
  if (size === 0) throw new ImportFileError('the file is empty');
  if (isOle(sample)) {
    // Excel also wraps password-protected .xlsx files in this container.
    throw new ImportFileError(
      'this is an Excel 97-2003 (.xls) file or a password-protected workbook; save it as .xlsx without a password, or as CSV, and import that',
    );
  }
  if (isZip(sample)) {
    const xlsx = await inspectXlsx(path, options.sheet, options.xlsxLimits);
    if (xlsx.header.every((h) => h.trim() === ''))
      throw new ImportFileError(`sheet ${JSON.stringify(xlsx.sheet)} has no header row`);
    return {
      format: 'xlsx',
      encoding: null,
      encodingConfidence: null,
      encodingReason: null,
      delimiter: null,
      sheets: xlsx.sheets,
      sheet: xlsx.sheet,
      header: xlsx.header.map((h) => h.trim()),
    };
  }
  const document = options.encoding || options.delimiter ? null : detectDocumentFormat(sample);
  if (document) {
    const { header } = await documentHeader(path, document);
    return {
      format: document,
      encoding: 'utf-8',
      encodingConfidence: 'certain',
      encodingReason: `a ${document.toUpperCase()} document is UTF-8`,
      delimiter: null,
      sheets: [],
      sheet: null,
      header,
    };
  }
  const guess: EncodingGuess = options.encoding
    ? { encoding: options.encoding, confidence: 'certain', bomLength: 0, reason: 'chosen by the user' }
    : detectEncoding(sample, complete);
  if (options.encoding) {
    const detected = detectEncoding(sample, complete);
    if (detected.encoding === options.encoding) guess.bomLength = detected.bomLength;
  }
  if (looksBinary(sample, guess))
    throw new ImportFileError('the file is not a CSV, XLSX, JSON, NDJSON or XML file (it holds binary data)');
  const text = iconv.decode(sample.subarray(guess.bomLength), guess.encoding);
  const delimiter = options.delimiter ?? detectDelimiter(text, { fromLine: options.headerRow, complete });
  let header: string[] | null = null;
  for await (const record of readCsv(path, guess.encoding, delimiter, 1)) {
    header = record.cells;
    break;
  }
  if (!header || header.every((h) => h.trim() === ''))
    throw new ImportFileError('the file has no header row');
  return {
    format: 'csv',
    encoding: guess.encoding,
    encodingConfidence: guess.confidence,
    encodingReason: guess.reason,
    delimiter,
    sheets: [],
    sheet: null,
    header: header.map((h) => h.trim()),
  };
}

/**
 * Streams the data records (header excluded) of a file inspectSource described. A `limit` (a preview's
 * rows) lets the XLSX reader read only the start of the workbook.
 */
/** A file's error named by the file it is in (an import of two files: which one is broken). */
export function inFile(label: string, error: unknown): unknown {
  return error instanceof ImportFileError
    ? new ImportFileError(`the ${label}: ${error.message}`, {
        ...(error.details as Record<string, unknown> | undefined),
        file: label,
      })
    : error;
}

/** readSourceRecords whose errors name the file (see inFile). */
export async function* readNamedSourceRecords(
  label: string,
  ...args: Parameters<typeof readSourceRecords>
): AsyncGenerator<SourceRecord> {
  try {
    yield* readSourceRecords(...args);
  } catch (e) {
    throw inFile(label, e);
  }
}

export async function* readSourceRecords(
  path: string,
  info: SourceInfo,
  options: { limit?: number; xlsxLimits?: XlsxLimits } = {},
): AsyncGenerator<SourceRecord> {
  if (info.format === 'json' || info.format === 'ndjson' || info.format === 'xml') {
    // Documents have no header row: every record is data.
    let n = 0;
    for await (const record of readDocumentRows(path, info.format, info.header)) {
      if (record.cells.every((c) => c.trim() === '')) continue;
      yield record;
      if (++n >= (options.limit ?? Number.POSITIVE_INFINITY)) return;
    }
    return;
  }
  const records =
    info.format === 'xlsx'
      ? readXlsxRecords(
          path,
          info.sheet!,
          options.limit === undefined ? undefined : options.limit + 1,
          options.xlsxLimits,
        )
      : readCsv(path, info.encoding ?? 'utf-8', info.delimiter ?? ',', Number.POSITIVE_INFINITY);
  let first = true;
  for await (const record of records) {
    if (first) {
      first = false;
      continue;
    }
    if (record.cells.every((c) => c.trim() === '')) continue; // blank lines are not rows
    yield record;
  }
}

async function* readCsv(
  path: string,
  encoding: TextEncoding,
  delimiter: Delimiter,
  limit: number,
): AsyncGenerator<SourceRecord> {
  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    max_record_size: MAX_RECORD_BYTES,
    skip_empty_lines: false,
  });
  const file = fs.createReadStream(path);
  const decoder = iconv.decodeStream(encoding, { stripBOM: true });
  file.on('error', (e) => parser.destroy(e));
  file.pipe(decoder).pipe(excelTextCells(delimiter)).pipe(parser);
  let rowNumber = 0;
  try {
    // Without csv-parse's per-record `info` (it costs a tenth of the parse); its errors carry the line.
    for await (const record of parser as AsyncIterable<string[]>) {
      rowNumber++;
      if (record.length > MAX_COLUMNS) {
        throw new ImportFileError(
          `row ${rowNumber} has ${record.length} columns; at most ${MAX_COLUMNS} are supported`,
          { row: rowNumber },
        );
      }
      yield { rowNumber, cells: record };
      if (rowNumber >= limit) break;
    }
  } catch (e) {
    if (e instanceof ImportFileError) throw e;
    throw await csvError(e as CsvParseError, path, encoding, delimiter, rowNumber);
  } finally {
    parser.destroy();
    file.destroy();
  }
}

interface CsvParseError {
  code?: string;
  lines?: number;
  message: string;
}

async function csvError(
  err: CsvParseError,
  path: string,
  encoding: TextEncoding,
  delimiter: Delimiter,
  rowNumber: number,
): Promise<ImportFileError> {
  const where = err.lines ? `line ${err.lines}` : `after row ${rowNumber}`;
  // Not relaxed (csv-parse's relax_quotes): it would also take a quoted cell whose closing quote is
  // followed by text, silently joining the next rows into one cell.
  if (err.code === 'INVALID_OPENING_QUOTE' || err.code === 'CSV_INVALID_OPENING_QUOTE')
    return new ImportFileError(
      `${where}: a cell holds a quote but does not begin with one; in CSV such a cell is written in quotes with each quote inside it doubled (张"三" as "张""三""")`,
      { line: err.lines ?? null },
    );
  const atLine = { line: err.lines ?? null };
  const quoteError = ['CSV_QUOTE_NOT_CLOSED', 'CSV_MAX_RECORD_SIZE', 'CSV_INVALID_CLOSING_QUOTE'].includes(
    err.code ?? '',
  );
  // csv-parse stops where it gave up; the quote at fault may have opened many lines before.
  const quote = quoteError
    ? await locateOpenedQuote(
        path,
        encoding,
        delimiter,
        err.code === 'CSV_QUOTE_NOT_CLOSED' ? undefined : (err.lines ?? undefined),
      ).catch(() => null)
    : null;
  const details = quote ? { row: quote.row, line: quote.line } : atLine;
  if (err.code === 'CSV_QUOTE_NOT_CLOSED' || (err.code === 'CSV_MAX_RECORD_SIZE' && quote?.open)) {
    if (quote?.open) {
      const rest =
        err.code === 'CSV_QUOTE_NOT_CLOSED'
          ? 'is never closed'
          : `is not closed within ${MAX_RECORD_BYTES / 1024 / 1024} MiB (a row may hold at most that)`;
      return new ImportFileError(
        `${describeQuotePlace(quote)}: a quote opened here ${rest}; close it, and write a quote inside a quoted cell as ""`,
        details,
      );
    }
    return new ImportFileError(`${where}: a quoted cell is never closed`, atLine);
  }
  if (err.code === 'CSV_MAX_RECORD_SIZE') {
    return new ImportFileError(
      `${where}: a row is larger than ${MAX_RECORD_BYTES / 1024 / 1024} MiB (a cell may be missing its closing quote)`,
      atLine,
    );
  }
  if (err.code === 'CSV_INVALID_CLOSING_QUOTE' && quote && err.lines && quote.line < err.lines) {
    return new ImportFileError(
      `line ${err.lines}: a quoted cell that opened at ${describeQuotePlace(quote)} ends here and is followed by more text; a quote is probably missing there, or a quote inside a quoted cell is not written as ""`,
      { ...details, end_line: err.lines },
    );
  }
  return new ImportFileError(
    `${where}: the file cannot be read as CSV with delimiter ${describeDelimiter(delimiter)} (${err.message})`,
    atLine,
  );
}
