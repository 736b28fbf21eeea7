/**
 * Stage 1 of the import pipeline: read. Opens a CSV or XLSX file as a stream of records (arrays of cell
 * strings) with their row numbers as a spreadsheet shows them (the header is row 1). Memory stays flat
 * whatever the file size. Everything that makes a file unreadable becomes an ImportFileError that says
 * where and why.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse';
import type ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import unzipper from 'unzipper';
import { type Delimiter, describeDelimiter, detectDelimiter } from './detect-delimiter.js';
import { detectEncoding, type EncodingGuess, looksBinary, type TextEncoding } from './detect-encoding.js';
import { ImportFileError } from './import-file-error.js';

export const MAX_COLUMNS = 1000;
export const MAX_RECORD_BYTES = 1024 * 1024;
const SAMPLE_BYTES = 64 * 1024;

export interface SourceOptions {
  encoding?: TextEncoding;
  delimiter?: Delimiter;
  sheet?: string;
}

export interface SourceInfo {
  format: 'csv' | 'xlsx';
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
    throw new ImportFileError(
      'this is an Excel 97-2003 (.xls) file; save it as .xlsx or CSV and import that',
    );
  }
  if (isZip(sample)) return inspectXlsx(path, options);
  const guess: EncodingGuess = options.encoding
    ? { encoding: options.encoding, confidence: 'certain', bomLength: 0, reason: 'chosen by the user' }
    : detectEncoding(sample, complete);
  if (options.encoding) {
    const detected = detectEncoding(sample, complete);
    if (detected.encoding === options.encoding) guess.bomLength = detected.bomLength;
  }
  if (looksBinary(sample, guess))
    throw new ImportFileError('the file is not a CSV or XLSX file (it holds binary data)');
  const text = iconv.decode(sample.subarray(guess.bomLength), guess.encoding);
  const delimiter = options.delimiter ?? detectDelimiter(text);
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

/** Streams the data records (header excluded) of a file inspectSource described. */
export async function* readSourceRecords(path: string, info: SourceInfo): AsyncGenerator<SourceRecord> {
  const records =
    info.format === 'xlsx'
      ? readXlsx(path, info.sheet!)
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
  file.pipe(decoder).pipe(parser);
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
    const err = e as { code?: string; lines?: number; message: string };
    const where = err.lines ? `line ${err.lines}` : `after row ${rowNumber}`;
    if (err.code === 'CSV_MAX_RECORD_SIZE') {
      throw new ImportFileError(
        `${where}: a row is larger than ${MAX_RECORD_BYTES / 1024 / 1024} MiB (a cell may be missing its closing quote)`,
        {
          line: err.lines ?? null,
        },
      );
    }
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      throw new ImportFileError(`${where}: a quoted cell is never closed`, { line: err.lines ?? null });
    }
    throw new ImportFileError(
      `${where}: the file cannot be read as CSV with delimiter ${describeDelimiter(delimiter)} (${err.message})`,
      {
        line: err.lines ?? null,
      },
    );
  } finally {
    parser.destroy();
    file.destroy();
  }
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    if ('error' in value) return '';
    return '';
  }
  return String(value);
}

async function inspectXlsx(path: string, options: SourceOptions): Promise<SourceInfo> {
  const sheets: string[] = [];
  let header: string[] | null = null;
  let sheet: string | null = null;
  for await (const worksheet of await openWorkbook(path)) {
    const name = (worksheet as unknown as { name: string }).name;
    sheets.push(name);
    if (sheet === null && (options.sheet === undefined || options.sheet === name)) {
      sheet = name;
      for await (const row of worksheet) {
        header = rowCells(row);
        break;
      }
    }
  }
  if (options.sheet !== undefined && sheet === null) {
    throw new ImportFileError(
      `the workbook has no sheet ${JSON.stringify(options.sheet)}; it has ${sheets.map((s) => JSON.stringify(s)).join(', ')}`,
    );
  }
  if (!header || header.every((h) => h.trim() === ''))
    throw new ImportFileError(`sheet ${JSON.stringify(sheet)} has no header row`);
  return {
    format: 'xlsx',
    encoding: null,
    encodingConfidence: null,
    encodingReason: null,
    delimiter: null,
    sheets,
    sheet,
    header: header.map((h) => h.trim()),
  };
}

interface SheetEntry {
  id: number;
  name: string;
  rId: string;
  state: string;
}

function xmlAttributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:]+)="([^"]*)"/g)) {
    out[m[1]!] = m[2]!
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  }
  return out;
}

/**
 * The workbook's sheet list, read from the zip's central directory without inflating the sheets.
 * ExcelJS's stream reader needs it before the first worksheet, but some writers (ExcelJS itself, at
 * random) put `xl/workbook.xml` after the sheets; given it up front, the reader never meets a sheet
 * it cannot name.
 */
async function readSheetList(path: string): Promise<SheetEntry[]> {
  const directory = await unzipper.Open.file(path);
  const workbook = directory.files.find((f) => f.path === 'xl/workbook.xml');
  if (!workbook)
    throw new ImportFileError('the file is a zip archive but not an XLSX workbook (no xl/workbook.xml)');
  const xml = (await workbook.buffer()).toString('utf8');
  return [...xml.matchAll(/<(?:\w+:)?sheet\s[^>]*>/g)].map((m) => {
    const a = xmlAttributes(m[0]);
    return { id: Number(a.sheetId), name: a.name ?? '', rId: a['r:id'] ?? '', state: a.state ?? 'visible' };
  });
}

async function openWorkbook(path: string): Promise<AsyncIterable<ExcelJS.stream.xlsx.WorksheetReader>> {
  const sheets = await readSheetList(path).catch((e: unknown) => {
    if (e instanceof ImportFileError) throw e;
    throw new ImportFileError(`the XLSX file cannot be read (${(e as Error).message})`);
  });
  // Loaded on first use: CSV imports (and the thread that reads them) need none of its ~30 MB.
  const { default: excel } = await import('exceljs');
  try {
    const reader = new excel.stream.xlsx.WorkbookReader(path, {
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'cache',
      worksheets: 'emit',
      entries: 'emit',
    });
    (reader as unknown as { model: { sheets: SheetEntry[] } }).model = { sheets };
    return reader as unknown as AsyncIterable<ExcelJS.stream.xlsx.WorksheetReader>;
  } catch (e) {
    throw new ImportFileError(`the XLSX file cannot be read (${(e as Error).message})`);
  }
}

function rowCells(row: ExcelJS.Row): string[] {
  const values = row.values as ExcelJS.CellValue[];
  const cells: string[] = [];
  // ExcelJS rows are 1-based; index 0 is always empty.
  for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
  return cells;
}

async function* readXlsx(path: string, sheetName: string): AsyncGenerator<SourceRecord> {
  try {
    for await (const worksheet of await openWorkbook(path)) {
      if ((worksheet as unknown as { name: string }).name !== sheetName) {
        for await (const _row of worksheet) {
          // drain other sheets: the stream reader delivers sheets in file order
        }
        continue;
      }
      for await (const row of worksheet) {
        const cells = rowCells(row);
        if (cells.length > MAX_COLUMNS) {
          throw new ImportFileError(
            `row ${row.number} has ${cells.length} columns; at most ${MAX_COLUMNS} are supported`,
          );
        }
        yield { rowNumber: row.number, cells };
      }
      return;
    }
  } catch (e) {
    if (e instanceof ImportFileError) throw e;
    throw new ImportFileError(`the XLSX file cannot be read (${(e as Error).message})`);
  }
}
