/**
 * Reads the rows of one sheet of an XLSX workbook as a stream, with bounded memory and work whatever
 * the file holds. Parts are unpacked as streams (./zip-archive.ts) and parsed with saxes; every unpacked
 * byte counts against the limits of ./read-limits.ts, checked first against what the archive declares
 * (a bomb is refused before anything is unpacked) and then against what actually comes out (an archive
 * that understates its sizes is damaged). Only the shared strings are held, packed as UTF-8 and
 * bounded; the sheet is never held. Cell positions come from their `r` references when present and
 * from their order when not.
 */
import path from 'node:path';
import { TextDecoder } from 'node:util';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { KithError } from '../../domain/errors.js';
import {
  defaultSheetIndex,
  SHEET_PEEK_ROWS,
  SHEET_PEEK_SHEETS,
  type SheetShape,
  sheetShape,
} from './default-sheet.js';
import { ImportFileError } from './import-file-error.js';
import {
  DEFAULT_XLSX_LIMITS,
  MAX_CELL_CHARS,
  MAX_COLUMNS,
  MAX_RECORD_BYTES,
  megabytes,
  RATIO_FLOOR_BYTES,
  XLSX_LIMIT_VARIABLES,
  type XlsxLimits,
} from './read-limits.js';
import { ZipArchive, type ZipEntry } from './zip-archive.js';

export interface XlsxRecord {
  rowNumber: number;
  cells: string[];
}

interface SheetRef {
  name: string;
  part: string;
}

interface Workbook {
  archive: ZipArchive;
  sheets: SheetRef[];
  date1904: boolean;
  sharedStrings: ZipEntry | null;
  styles: ZipEntry | null;
}

/** Sheets a workbook may list; Excel has no fixed limit, but thousands of tabs is not a customer list. */
const MAX_SHEETS = 10_000;
/** Excel allows 64,000 cell formats and about 250 number formats; generous multiples of both. */
const MAX_CELL_FORMATS = 1_000_000;
const MAX_NUMBER_FORMATS = 100_000;
const MAX_ROW_NUMBER = 2 ** 31 - 1;

const quoted = (s: string) => JSON.stringify(s);

function damaged(reason: string): ImportFileError {
  return new ImportFileError(`the XLSX file is damaged: ${reason}`);
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** Counts every unpacked byte of one reading of the workbook against the limits. */
class UnpackBudget {
  private total = 0;

  constructor(
    readonly archive: ZipArchive,
    readonly limits: XlsxLimits,
  ) {}

  /** Refuses, before unpacking anything, parts the archive itself says are too large. */
  checkDeclared(parts: { entry: ZipEntry; label: string }[]): void {
    let total = 0;
    for (const { entry, label } of parts) {
      total += entry.uncompressedSize;
      // XML always packs smaller (a stored part: the same size); an entry declaring less is lying.
      const size = entry.uncompressedSize;
      if (size + size / 256 + 64 < entry.compressedSize)
        throw damaged(`${label} declares that it unpacks to fewer bytes than it packs`);
      this.checkPart(entry, label, size, true);
    }
    if (total > this.limits.totalBytes) this.totalError(`unpack to ${megabytes(total)}`);
  }

  /** `declared`: the size the archive gives; otherwise what has come out so far. */
  private checkPart(entry: ZipEntry, label: string, bytes: number, declared: boolean): void {
    const { partBytes, ratio } = this.limits;
    if (bytes > partBytes) {
      throw new ImportFileError(
        `${label} unpacks to ${declared ? megabytes(bytes) : `more than ${megabytes(partBytes)}`}; one part of an XLSX file may unpack to at most ${megabytes(partBytes)} (${XLSX_LIMIT_VARIABLES.partBytes}). Raise the limit for a genuine file, or import the sheet as CSV`,
        { limit: XLSX_LIMIT_VARIABLES.partBytes, part: entry.name },
      );
    }
    if (bytes > RATIO_FLOOR_BYTES && bytes > ratio * Math.max(entry.compressedSize, 1)) {
      throw new ImportFileError(
        `${label} unpacks to more than ${ratio} times its packed size (${megabytes(entry.compressedSize)} packed), as zip bombs do; files Excel writes stay far below that (${XLSX_LIMIT_VARIABLES.ratio}=${ratio}). Raise the limit for a genuine file, or import the sheet as CSV`,
        { limit: XLSX_LIMIT_VARIABLES.ratio, part: entry.name },
      );
    }
  }

  private totalError(what: string): never {
    throw new ImportFileError(
      `the parts of the XLSX file to read ${what}; all of them together may unpack to at most ${megabytes(this.limits.totalBytes)} (${XLSX_LIMIT_VARIABLES.totalBytes}). Raise the limit for a genuine file, or import the sheet as CSV`,
      { limit: XLSX_LIMIT_VARIABLES.totalBytes },
    );
  }

  /** The part's text, decoded (UTF-8, or UTF-16 as XML allows), counted as it is unpacked. */
  async *text(entry: ZipEntry, label: string): AsyncGenerator<string> {
    let unpacked = 0;
    let decoder: TextDecoder | null = null;
    for await (const chunk of this.archive.chunks(entry)) {
      unpacked += chunk.length;
      this.total += chunk.length;
      if (unpacked > entry.uncompressedSize) {
        this.checkPart(entry, label, unpacked, false);
        throw damaged(
          `${label} unpacks to more than the ${entry.uncompressedSize} bytes its zip entry declares`,
        );
      }
      this.checkPart(entry, label, unpacked, false);
      if (this.total > this.limits.totalBytes) this.totalError(`unpack to more than that`);
      decoder ??= new TextDecoder(xmlEncoding(chunk));
      const text = decoder.decode(chunk, { stream: true });
      if (text.length > 0) yield text;
    }
    const rest = decoder?.decode() ?? '';
    if (rest.length > 0) yield rest;
  }
}

function xmlEncoding(start: Buffer): string {
  if (start[0] === 0xfe && start[1] === 0xff) return 'utf-16be';
  if (start[0] === 0xff && start[1] === 0xfe) return 'utf-16le';
  if (start[0] === 0x3c && start[1] === 0x00) return 'utf-16le';
  if (start[0] === 0x00 && start[1] === 0x3c) return 'utf-16be';
  return 'utf-8';
}

interface XmlHandlers {
  open(tag: SaxesTagPlain, name: string): void;
  text?(text: string): void;
  close(name: string): void;
}

/**
 * Parses one part, yielding after each chunk whatever the handlers queued, so that only a chunk's
 * worth of rows is ever waiting. saxes gathers a text node or a tag whole before reporting it, so
 * the run of characters without a `<` is bounded here, before saxes sees it: a gigabyte cell is
 * refused at its first megabyte.
 */
async function* parsePart<T>(
  budget: UnpackBudget,
  entry: ZipEntry,
  label: string,
  handlers: (emit: (item: T) => void, stop: () => void) => XmlHandlers,
  overlong: () => ImportFileError,
): AsyncGenerator<T> {
  const queue: T[] = [];
  let stopped = false;
  const h = handlers(
    (item) => queue.push(item),
    () => {
      stopped = true;
    },
  );
  const parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });
  parser.on('opentag', (tag) => h.open(tag, localName(tag.name)));
  parser.on('closetag', (tag) => h.close(localName(tag.name)));
  if (h.text) parser.on('text', h.text);
  // Only saxes's own complaints are about the XML; anything else thrown is not the file's fault.
  parser.on('error', (e) => {
    throw damaged(`${label} is not well-formed XML (${e.message})`);
  });
  let run = 0;
  for await (const chunk of budget.text(entry, label)) {
    const lastTag = chunk.lastIndexOf('<');
    run = lastTag < 0 ? run + chunk.length : chunk.length - lastTag - 1;
    if (run > MAX_RECORD_BYTES) throw overlong();
    parser.write(chunk);
    // Everything queued before a stop was read in full and is still wanted.
    for (const item of queue.splice(0)) yield item;
    if (stopped) return;
  }
  parser.close();
  for (const item of queue.splice(0)) yield item;
}

const simpleOverlong = (label: string) => () =>
  new ImportFileError(`${label} holds more than ${megabytes(MAX_RECORD_BYTES)} of text without markup`);

/** Reads one small part (relationships, workbook, styles) with the given handlers, to its end or stop. */
async function readMetadata(
  budget: UnpackBudget,
  entry: ZipEntry,
  label: string,
  handlers: XmlHandlers,
): Promise<void> {
  for await (const _ of parsePart<never>(budget, entry, label, () => handlers, simpleOverlong(label))) {
    // the handlers keep what they need
  }
}

interface Relationship {
  type: string;
  target: string;
}

/** The relationships of a part, resolved to part names; only those `keep` accepts are held. */
async function readRelationships(
  budget: UnpackBudget,
  part: string,
  keep: (id: string, type: string) => boolean,
): Promise<Map<string, Relationship>> {
  const dir = path.posix.dirname(part);
  const relsName = path.posix.join(dir === '.' ? '' : dir, '_rels', `${path.posix.basename(part)}.rels`);
  const entry = budget.archive.entry(relsName);
  const found = new Map<string, Relationship>();
  if (!entry) return found;
  await readMetadata(budget, entry, `the XLSX file's part ${relsName}`, {
    open(tag, name) {
      if (name !== 'Relationship') return;
      const a = tag.attributes;
      const id = a.Id ?? '';
      const type = a.Type ?? '';
      if (a.TargetMode === 'External' || !a.Target || !keep(id, type)) return;
      const target = a.Target.startsWith('/')
        ? a.Target.slice(1)
        : path.posix.normalize(path.posix.join(dir === '.' ? '' : dir, a.Target));
      found.set(id, { type, target });
    },
    close() {},
  });
  return found;
}

const isType = (type: string, kind: string) => type.endsWith(`/${kind}`);

async function readWorkbook(budget: UnpackBudget): Promise<Workbook> {
  const { archive } = budget;
  let workbookPart = 'xl/workbook.xml';
  const root = await readRelationships(budget, '', (_id, type) => isType(type, 'officeDocument'));
  for (const rel of root.values()) workbookPart = rel.target;
  const workbookEntry = archive.entry(workbookPart);
  if (!workbookEntry) {
    if (archive.entry('content.xml') && archive.entry('mimetype'))
      throw new ImportFileError(
        'this is an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV and import that',
      );
    throw new ImportFileError('the file is a zip archive but not an XLSX workbook (no xl/workbook.xml)');
  }
  budget.checkDeclared([{ entry: workbookEntry, label: `the workbook (${workbookEntry.name})` }]);
  const listed: { name: string; rId: string }[] = [];
  let date1904 = false;
  await readMetadata(budget, workbookEntry, `the workbook (${workbookEntry.name})`, {
    open(tag, name) {
      if (name === 'workbookPr') {
        const v = tag.attributes.date1904;
        date1904 = v === '1' || v === 'true';
      } else if (name === 'sheet') {
        if (listed.length >= MAX_SHEETS)
          throw new ImportFileError(`the workbook lists more than ${MAX_SHEETS.toLocaleString('en')} sheets`);
        const rId = Object.entries(tag.attributes).find(([k]) => k.includes(':') && localName(k) === 'id');
        listed.push({ name: tag.attributes.name ?? '', rId: rId?.[1] ?? '' });
      }
    },
    close() {},
  });
  const wanted = new Set(listed.map((s) => s.rId));
  const rels = await readRelationships(
    budget,
    workbookEntry.name,
    (id, type) => wanted.has(id) || isType(type, 'sharedStrings') || isType(type, 'styles'),
  );
  const sheets: SheetRef[] = [];
  let sharedStrings: ZipEntry | null = null;
  let styles: ZipEntry | null = null;
  for (const rel of rels.values()) {
    if (isType(rel.type, 'sharedStrings')) sharedStrings = archive.entry(rel.target) ?? null;
    if (isType(rel.type, 'styles')) styles = archive.entry(rel.target) ?? null;
  }
  // Without relationships (some writers), the parts are where Excel puts them.
  sharedStrings ??= rels.size === 0 ? (archive.entry('xl/sharedStrings.xml') ?? null) : null;
  styles ??= rels.size === 0 ? (archive.entry('xl/styles.xml') ?? null) : null;
  listed.forEach((s, i) => {
    const rel = rels.get(s.rId);
    // Chart sheets and macro sheets have no rows: they are not offered.
    if (rel && !isType(rel.type, 'worksheet')) return;
    const part = rel?.target ?? (rels.size === 0 ? `xl/worksheets/sheet${i + 1}.xml` : null);
    if (part) sheets.push({ name: s.name, part });
  });
  return { archive, sheets, date1904, sharedStrings, styles };
}

/** Which cell formats show dates: built-in ones by number, custom ones by their format code. */
async function readDateStyles(budget: UnpackBudget, entry: ZipEntry | null): Promise<Uint8Array> {
  if (!entry) return new Uint8Array(0);
  const label = `the styles (${entry.name})`;
  const customDates = new Map<number, boolean>();
  const formats: number[] = [];
  let inCellXfs = false;
  await readMetadata(budget, entry, label, {
    open(tag, name) {
      if (name === 'numFmt') {
        if (customDates.size >= MAX_NUMBER_FORMATS)
          throw damaged(
            `${label} define more than ${MAX_NUMBER_FORMATS.toLocaleString('en')} number formats`,
          );
        customDates.set(Number(tag.attributes.numFmtId), isDateFormat(tag.attributes.formatCode ?? ''));
      } else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) {
        if (formats.length >= MAX_CELL_FORMATS)
          throw damaged(`${label} define more than ${MAX_CELL_FORMATS.toLocaleString('en')} cell formats`);
        formats.push(Number(tag.attributes.numFmtId ?? 0));
      }
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  return Uint8Array.from(formats, (id) => ((customDates.get(id) ?? BUILT_IN_DATE_FORMATS.has(id)) ? 1 : 0));
}

/** ECMA-376 built-in formats that show dates or times, East Asian ones (27–36, 50–58) included. */
const BUILT_IN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54,
  55, 56, 57, 58,
]);

/** A number format shows a date or time when a date or time code is left once literals are removed. */
export function isDateFormat(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\[[^\]]*]/g, '')
    .replace(/\\./g, '')
    .replace(/[_*]./g, '')
    .replace(/General/gi, '');
  return /[ymdhs]/i.test(bare);
}

/** Excel's serial day number as the date (or date and time) ExcelJS gave: `YYYY-MM-DD` at midnight. */
function serialToText(serial: number, date1904: boolean): string | null {
  const ms = Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null;
  // A spreadsheet's date and time carry no zone: they are the wall-clock time the sheet shows, written
  // as such (`2023-03-15 12:00:00`) so that the import reads them in its own zone (an order import's
  // UTC offset, say), as it reads the same text from a CSV file. (Computed in UTC only to format it.)
  const iso = new Date(ms).toISOString();
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return `${iso.slice(0, 10)} ${iso.endsWith('.000Z') ? iso.slice(11, 19) : iso.slice(11, 23)}`;
}

/** `_xHHHH_` is how OOXML text escapes characters XML cannot carry (a carriage return is `_x000D_`). */
function unescapeText(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

interface SharedStrings {
  get(index: number): string | undefined;
}

const SLAB_BYTES = 1024 * 1024;

/**
 * The shared strings table, packed as UTF-8 in 1 MiB slabs with an offset and a length per string:
 * about the size of the text itself, a few large allocations instead of millions of strings, and no
 * string holding on to the parser's chunks. Every allocation is counted against the limit first.
 * With `hold` false it only counts, as the upload check does to know whether the table would fit.
 */
class PackedStrings implements SharedStrings {
  private readonly slabs: Buffer[] = [];
  private slabCount = 0;
  private slabUsed = SLAB_BYTES;
  private capacity = 4096;
  private starts: Uint32Array;
  private lengths: Uint32Array;
  count = 0;

  constructor(
    private readonly onGrow: (bytes: number) => void,
    private readonly hold = true,
  ) {
    this.starts = new Uint32Array(hold ? this.capacity : 0);
    this.lengths = new Uint32Array(hold ? this.capacity : 0);
  }

  private get bytes(): number {
    return this.slabCount * SLAB_BYTES + this.capacity * 8;
  }

  add(text: string): void {
    if (this.count === this.capacity) {
      this.onGrow(this.bytes + this.capacity * 8);
      this.capacity *= 2;
      if (this.hold) {
        const starts = new Uint32Array(this.capacity);
        starts.set(this.starts);
        this.starts = starts;
        const lengths = new Uint32Array(this.capacity);
        lengths.set(this.lengths);
        this.lengths = lengths;
      }
    }
    // At most 32,767 characters, so under 100 KB: a string never spans two slabs.
    const length = Buffer.byteLength(text, 'utf8');
    if (this.slabUsed + length > SLAB_BYTES) {
      this.onGrow(this.bytes + SLAB_BYTES);
      this.slabCount++;
      if (this.hold) this.slabs.push(Buffer.allocUnsafe(SLAB_BYTES));
      this.slabUsed = 0;
    }
    if (this.hold) {
      this.slabs[this.slabCount - 1]!.write(text, this.slabUsed, 'utf8');
      this.starts[this.count] = (this.slabCount - 1) * SLAB_BYTES + this.slabUsed;
      this.lengths[this.count] = length;
    }
    this.slabUsed += length;
    this.count++;
  }

  get(index: number): string | undefined {
    if (!this.hold || !(index >= 0 && index < this.count)) return undefined;
    const start = this.starts[index]!;
    const offset = start % SLAB_BYTES;
    return this.slabs[Math.floor(start / SLAB_BYTES)]!.toString(
      'utf8',
      offset,
      offset + this.lengths[index]!,
    );
  }
}

/**
 * Streams the `<si>` items of the shared strings part to `keep`, stopping after item `last` (a preview
 * needs only the first few; Excel numbers strings in the order it first meets them).
 */
async function readSharedStrings(
  budget: UnpackBudget,
  entry: ZipEntry,
  keep: (index: number, text: string) => void,
  last: number,
): Promise<number> {
  const label = `the shared strings (${entry.name})`;
  let index = 0;
  let inItem = false;
  let phonetic = 0;
  let capturing = false;
  let text = '';
  const items = parsePart<number>(
    budget,
    entry,
    label,
    (emit, stop) => ({
      open(_tag, name) {
        if (name === 'si') {
          inItem = true;
          text = '';
        } else if (name === 'rPh') phonetic++;
        else if (name === 't' && inItem && phonetic === 0) capturing = true;
      },
      text(t) {
        if (!capturing) return;
        text += t;
        if (text.length > MAX_CELL_CHARS) {
          throw new ImportFileError(
            `shared string ${index} of the workbook holds more than ${MAX_CELL_CHARS.toLocaleString('en')} characters, Excel's own limit for a cell`,
            { shared_string: index },
          );
        }
      },
      close(name) {
        if (name === 't') capturing = false;
        else if (name === 'rPh') phonetic--;
        else if (name === 'si') {
          inItem = false;
          keep(index, unescapeText(text));
          text = '';
          emit(index);
          index++;
          if (index > last) stop();
        }
      },
    }),
    simpleOverlong(label),
  );
  for await (const _ of items) {
    // each item was kept as it closed
  }
  return index;
}

/** The whole table, held (`hold`) or only measured against its limit (the upload check). */
async function loadAllSharedStrings(
  budget: UnpackBudget,
  entry: ZipEntry,
  hold = true,
): Promise<SharedStrings> {
  const limit = budget.limits.sharedStringsBytes;
  const strings = new PackedStrings((bytes) => {
    if (bytes > limit) throw sharedStringsLimitError(limit, strings.count);
  }, hold);
  await readSharedStrings(budget, entry, (_i, text) => strings.add(text), Number.POSITIVE_INFINITY);
  return strings;
}

function sharedStringsLimitError(limit: number, count: number): ImportFileError {
  return new ImportFileError(
    `the workbook's shared strings take more than ${megabytes(limit)} of memory (over ${count.toLocaleString('en')} strings read); the table is held while the sheet is read and may take at most ${megabytes(limit)} (${XLSX_LIMIT_VARIABLES.sharedStringsBytes}). Raise the limit for a genuine file, or import the sheet as CSV`,
    { limit: XLSX_LIMIT_VARIABLES.sharedStringsBytes },
  );
}

/** A cell read from the sheet: its text, or the index of its shared string. */
type RawCell = string | { shared: number };

interface RawRow {
  rowNumber: number;
  cells: RawCell[];
}

function columnIndex(ref: string, rowNumber: number): number {
  let column = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    const upper = c >= 97 && c <= 122 ? c - 32 : c;
    if (upper < 65 || upper > 90) break;
    column = column * 26 + (upper - 64);
    if (column > 16_384) break;
  }
  if (i === 0 || column > 16_384)
    throw damaged(`row ${rowNumber} has a cell with the reference ${quoted(ref)}, which names no column`);
  return column - 1;
}

function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

interface SheetContext {
  sheet: string;
  dateStyles: Uint8Array;
  date1904: boolean;
}

function cellTooLong(ctx: SheetContext, rowNumber: number, column: number): ImportFileError {
  return new ImportFileError(
    `sheet ${quoted(ctx.sheet)}, row ${rowNumber}: cell ${columnName(column)}${rowNumber} holds more than ${MAX_CELL_CHARS.toLocaleString('en')} characters, Excel's own limit for a cell`,
    { row: rowNumber, column: columnName(column) },
  );
}

function rowTooLong(ctx: SheetContext, rowNumber: number): ImportFileError {
  return new ImportFileError(
    `sheet ${quoted(ctx.sheet)}, row ${rowNumber}: the row holds more than ${megabytes(MAX_RECORD_BYTES)} of text`,
    { row: rowNumber },
  );
}

function tooManyColumns(rowNumber: number, column: number): ImportFileError {
  return new ImportFileError(
    `row ${rowNumber} has ${column + 1} columns; at most ${MAX_COLUMNS} are supported`,
    { row: rowNumber },
  );
}

/** The cell's text as the ExcelJS reader gave it: numbers as JavaScript prints them, dates ISO, errors empty. */
function cellValue(ctx: SheetContext, type: string, style: number, raw: string): RawCell {
  switch (type) {
    case 's': {
      if (raw.trim() === '') return '';
      const index = Number(raw);
      if (!Number.isInteger(index) || index < 0)
        throw damaged(`a cell refers to shared string ${quoted(raw)}`);
      return { shared: index };
    }
    case 'inlineStr':
    case 'str':
      return unescapeText(raw);
    case 'b':
      return raw === '1' || raw === 'true' ? 'true' : raw === '0' || raw === 'false' ? 'false' : raw;
    case 'e':
      return '';
    case 'd':
      return raw.trim();
    default: {
      const trimmed = raw.trim();
      if (trimmed === '') return '';
      const number = Number(trimmed);
      if (Number.isNaN(number)) return trimmed;
      if (ctx.dateStyles[style] === 1) return serialToText(number, ctx.date1904) ?? String(number);
      return String(number);
    }
  }
}

/** The sheet's non-empty rows in order, as they come out of the part. */
function sheetRows(budget: UnpackBudget, entry: ZipEntry, ctx: SheetContext): AsyncGenerator<RawRow> {
  const label = `sheet ${quoted(ctx.sheet)} (${entry.name})`;
  let inSheetData = false;
  let row: RawRow | null = null;
  let previousRow = 0;
  let rowChars = 0;
  let nextColumn = 0;
  let cell: { column: number; type: string; style: number } | null = null;
  let capture: 'v' | 'is' | null = null;
  let inlineText = false;
  let phonetic = 0;
  let raw = '';
  let hasValue = false;
  return parsePart<RawRow>(
    budget,
    entry,
    label,
    (emit, stop) => ({
      open(tag, name) {
        if (!inSheetData) {
          if (name === 'sheetData') inSheetData = true;
          return;
        }
        const a = tag.attributes;
        if (name === 'row') {
          let rowNumber = previousRow + 1;
          if (a.r !== undefined) {
            rowNumber = Number(a.r);
            if (!Number.isInteger(rowNumber) || rowNumber < 1 || rowNumber > MAX_ROW_NUMBER)
              throw damaged(`${label} has a row numbered ${quoted(a.r)}`);
            if (rowNumber <= previousRow)
              throw damaged(`${label} has row ${rowNumber} after row ${previousRow}; rows must be in order`);
          }
          row = { rowNumber, cells: [] };
          rowChars = 0;
          nextColumn = 0;
        } else if (name === 'c' && row) {
          const column = a.r !== undefined ? columnIndex(a.r, row.rowNumber) : nextColumn;
          nextColumn = column + 1;
          cell = { column, type: a.t ?? 'n', style: a.s !== undefined ? Number(a.s) : 0 };
          raw = '';
          hasValue = false;
        } else if (cell && name === 'v') {
          capture = 'v';
          hasValue = true;
        } else if (cell && name === 'is') {
          capture = 'is';
          hasValue = true;
        } else if (capture === 'is') {
          if (name === 'rPh') phonetic++;
          else if (name === 't' && phonetic === 0) inlineText = true;
        }
      },
      text(t) {
        if (capture === 'v' || (capture === 'is' && inlineText)) {
          raw += t;
          if (raw.length > MAX_CELL_CHARS && cell) throw cellTooLong(ctx, row!.rowNumber, cell.column);
        }
      },
      close(name) {
        if (!inSheetData) return;
        if (name === 'v' || name === 'is') capture = null;
        else if (name === 't') inlineText = false;
        else if (name === 'rPh') phonetic--;
        else if (name === 'c' && cell && row) {
          const value = hasValue ? cellValue(ctx, cell.type, cell.style, raw) : '';
          if (value !== '') {
            if (cell.column >= MAX_COLUMNS) throw tooManyColumns(row.rowNumber, cell.column);
            if (typeof value === 'string') {
              if (value.length > MAX_CELL_CHARS) throw cellTooLong(ctx, row.rowNumber, cell.column);
              rowChars += value.length;
              if (rowChars > MAX_RECORD_BYTES) throw rowTooLong(ctx, row.rowNumber);
            }
            row.cells[cell.column] = value;
          }
          cell = null;
          raw = '';
        } else if (name === 'row' && row) {
          previousRow = row.rowNumber;
          if (row.cells.length > 0) emit(row);
          row = null;
        } else if (name === 'sheetData') {
          inSheetData = false;
          // What follows (merged cells, hyperlinks, print settings) is not needed.
          stop();
        }
      },
    }),
    () =>
      new ImportFileError(
        `sheet ${quoted(ctx.sheet)}${row ? `, row ${(row as RawRow).rowNumber}` : ''}: more than ${megabytes(MAX_RECORD_BYTES)} of text without markup; a cell holds at most ${MAX_CELL_CHARS.toLocaleString('en')} characters`,
        row ? { row: (row as RawRow).rowNumber } : undefined,
      ),
  );
}

function resolveRow(ctx: SheetContext, raw: RawRow, strings: SharedStrings | null): XlsxRecord {
  const cells: string[] = new Array<string>(raw.cells.length);
  let chars = 0;
  for (let i = 0; i < raw.cells.length; i++) {
    const cell = raw.cells[i];
    if (cell === undefined) {
      cells[i] = '';
      continue;
    }
    let text: string;
    if (typeof cell === 'string') text = cell;
    else {
      const found = strings?.get(cell.shared);
      if (found === undefined)
        throw damaged(
          `sheet ${quoted(ctx.sheet)}, cell ${columnName(i)}${raw.rowNumber} refers to shared string ${cell.shared}, which the workbook does not have`,
        );
      text = found;
    }
    // Inline text was counted as it was read; shared strings count here, where they are repeated.
    chars += text.length;
    if (chars > MAX_RECORD_BYTES) throw rowTooLong(ctx, raw.rowNumber);
    cells[i] = text;
  }
  return { rowNumber: raw.rowNumber, cells };
}

interface OpenedSheet {
  budget: UnpackBudget;
  workbook: Workbook;
  sheet: SheetRef;
  entry: ZipEntry;
}

async function openSheet(
  path: string,
  sheetName: string | undefined,
  limits: XlsxLimits,
): Promise<OpenedSheet> {
  let archive: ZipArchive;
  try {
    archive = ZipArchive.open(path);
  } catch (e) {
    if (e instanceof ImportFileError) throw e;
    throw damaged('its zip directory cannot be read');
  }
  const budget = new UnpackBudget(archive, limits);
  const workbook = await readWorkbook(budget);
  if (workbook.sheets.length === 0) throw new ImportFileError('the workbook has no worksheets');
  const sheet =
    sheetName === undefined
      ? await firstTable(archive, workbook, limits)
      : workbook.sheets.find((s) => s.name === sheetName);
  if (!sheet) {
    throw new ImportFileError(
      `the workbook has no sheet ${quoted(sheetName!)}; it has ${workbook.sheets.map((s) => quoted(s.name)).join(', ')}`,
    );
  }
  const entry = archive.entry(sheet.part);
  if (!entry) throw damaged(`sheet ${quoted(sheet.name)} is missing (no ${sheet.part})`);
  budget.checkDeclared(
    [
      { entry, label: `sheet ${quoted(sheet.name)} (${entry.name})` },
      workbook.sharedStrings && {
        entry: workbook.sharedStrings,
        label: `the shared strings (${workbook.sharedStrings.name})`,
      },
      workbook.styles && { entry: workbook.styles, label: `the styles (${workbook.styles.name})` },
    ].filter((p): p is { entry: ZipEntry; label: string } => p !== null),
  );
  return { budget, workbook, sheet, entry };
}

/** The shape of a sheet's first rows (default-sheet.ts); a sheet that cannot be read is empty here. */
async function shapeOf(archive: ZipArchive, sheet: SheetRef, limits: XlsxLimits): Promise<SheetShape> {
  const entry = archive.entry(sheet.part);
  if (!entry) return 'empty';
  const filled: number[] = [];
  const ctx: SheetContext = { sheet: sheet.name, dateStyles: new Uint8Array(0), date1904: false };
  try {
    for await (const row of sheetRows(new UnpackBudget(archive, limits), entry, ctx)) {
      filled.push(row.cells.filter((c) => typeof c === 'object' || c.trim() !== '').length);
      if (filled.length >= SHEET_PEEK_ROWS) break;
    }
  } catch {
    // Opening it will say what is wrong, should the user choose it.
    return 'empty';
  }
  return sheetShape(filled);
}

/** The sheet opened when none is named: the first that holds a table (default-sheet.ts). */
async function firstTable(archive: ZipArchive, workbook: Workbook, limits: XlsxLimits): Promise<SheetRef> {
  const { sheets } = workbook;
  if (sheets.length === 1) return sheets[0]!;
  const shapes: SheetShape[] = [];
  for (const sheet of sheets.slice(0, SHEET_PEEK_SHEETS)) {
    const shape = await shapeOf(archive, sheet, limits);
    shapes.push(shape);
    if (shape === 'table') break;
  }
  return sheets[defaultSheetIndex(shapes)]!;
}

export interface XlsxSheets {
  sheets: string[];
  sheet: string;
  header: string[];
}

/**
 * The upload check: the sheet list and the header row, reading only the start of the sheet and of
 * the shared strings. What the archive declares is checked in full, and a shared strings table that
 * might not fit in its limit is measured (not held), so a file the import would refuse is refused here.
 */
export async function inspectXlsx(
  path: string,
  sheetName: string | undefined,
  limits: XlsxLimits = DEFAULT_XLSX_LIMITS,
): Promise<XlsxSheets> {
  return guarded(async () => {
    const opened = await openSheet(path, sheetName, limits);
    const { workbook, budget } = opened;
    const strings = workbook.sharedStrings;
    if (strings && strings.uncompressedSize > budget.limits.sharedStringsBytes)
      await loadAllSharedStrings(new UnpackBudget(workbook.archive, budget.limits), strings, false);
    let header: string[] = [];
    for await (const record of readOpened(opened, 1)) header = record.cells;
    return { sheets: workbook.sheets.map((s) => s.name), sheet: opened.sheet.name, header };
  });
}

/**
 * The records of a sheet, the header row first. With a small `limit` (a preview), only the first rows
 * and the shared strings they use are read; otherwise the whole table is loaded, then the sheet streamed.
 */
export async function* readXlsxRecords(
  path: string,
  sheetName: string,
  limit = Number.POSITIVE_INFINITY,
  limits: XlsxLimits = DEFAULT_XLSX_LIMITS,
): AsyncGenerator<XlsxRecord> {
  const opened = await guarded(() => openSheet(path, sheetName, limits));
  yield* guardedRows(readOpened(opened, limit));
}

/** Up to this many rows (a header and a preview) are read without loading the whole string table. */
const PREVIEW_LIMIT = 50;

async function* readOpened(opened: OpenedSheet, limit: number): AsyncGenerator<XlsxRecord> {
  const { budget, workbook, sheet, entry } = opened;
  const ctx: SheetContext = {
    sheet: sheet.name,
    dateStyles: await readDateStyles(budget, workbook.styles),
    date1904: workbook.date1904,
  };
  if (limit <= PREVIEW_LIMIT) {
    const rows: RawRow[] = [];
    for await (const row of sheetRows(budget, entry, ctx)) {
      rows.push(row);
      if (rows.length >= limit) break;
    }
    const wanted = new Set<number>();
    for (const row of rows) for (const c of row.cells) if (typeof c === 'object') wanted.add(c.shared);
    const strings = new Map<number, string>();
    if (wanted.size > 0 && workbook.sharedStrings) {
      await readSharedStrings(
        budget,
        workbook.sharedStrings,
        (i, text) => {
          if (wanted.has(i)) strings.set(i, text);
        },
        [...wanted].reduce((a, b) => Math.max(a, b), 0),
      );
    }
    for (const row of rows) yield resolveRow(ctx, row, strings);
    return;
  }
  const strings = workbook.sharedStrings ? await loadAllSharedStrings(budget, workbook.sharedStrings) : null;
  // Shared strings repeat: a small sheet can stand for any amount of text, so the text counts too.
  let chars = 0;
  for await (const row of sheetRows(budget, entry, ctx)) {
    const record = resolveRow(ctx, row, strings);
    for (const cell of record.cells) chars += cell.length;
    if (chars > budget.limits.partBytes) {
      throw new ImportFileError(
        `the cells of sheet ${quoted(sheet.name)} hold more than ${megabytes(budget.limits.partBytes)} of text by row ${record.rowNumber} (a shared string counts each time a cell uses it); a sheet may hold at most ${megabytes(budget.limits.partBytes)}, as XML or as text (${XLSX_LIMIT_VARIABLES.partBytes}). Raise the limit for a genuine file, or import the sheet as CSV`,
        { limit: XLSX_LIMIT_VARIABLES.partBytes, row: record.rowNumber },
      );
    }
    yield record;
  }
}

/** Whatever goes wrong inside the reader reaches the user as a file error, never as a TypeError. */
function asFileError(e: unknown): unknown {
  if (e instanceof KithError) return e;
  const error = new ImportFileError(
    'the XLSX file cannot be read: it is damaged or uses a structure Kith does not know; open it in Excel and save it again, or save the sheet as CSV',
  );
  // For the operator's log, not for the answer.
  error.cause = e;
  return error;
}

async function guarded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw asFileError(e);
  }
}

async function* guardedRows(rows: AsyncGenerator<XlsxRecord>): AsyncGenerator<XlsxRecord> {
  try {
    yield* rows;
  } catch (e) {
    throw asFileError(e);
  }
}
