/**
 * Read → map → validate as one stream of row batches, the CPU-heavy front of the import pipeline. Pass 1
 * needs only each row's keys (`fileKeyBatches`), pass 2 the whole validated row (`validatedRowBatches`).
 * Plain data in, plain data out, so it runs the same in-process or on a worker thread.
 */
import type { NormalizeContext } from '../../domain/contact/contact-patch.js';
import { mapRecord, type MappingContext, type ResolvedMapping } from '../map/column-mapping.js';
import type { XlsxLimits } from '../read/read-limits.js';
import { readSourceRecords, type SourceInfo, type SourceRecord } from '../read/source-reader.js';
import { fileKeys, validateRow, type ValidatedRow } from '../validate/row-validation.js';

export interface RowPreparationInput {
  path: string;
  source: SourceInfo;
  xlsxLimits: XlsxLimits;
  mapping: ResolvedMapping;
  mappingCtx: MappingContext;
  normalize: NormalizeContext;
  /** Rows up to and including this spreadsheet row number are skipped (a resumed import's checkpoint). */
  afterRow: number;
  batchRows: number;
}

export interface RowKeysOfFile {
  rowNumber: number;
  keys: string[];
}

export interface PreparedRow {
  record: SourceRecord;
  validation: ValidatedRow;
}

export type RowPreparation = 'keys' | 'validated';

export interface PreparedBatch {
  keys: RowKeysOfFile[];
  validated: PreparedRow[];
}

/**
 * A batch also ends at this much cell text. Rows may hold up to a megabyte each (and an XLSX row can
 * repeat one long shared string in every cell), so a thousand of them could be a gigabyte in flight.
 */
const MAX_BATCH_CHARS = 4 * 1024 * 1024;

function recordChars(record: SourceRecord): number {
  let chars = 0;
  for (const cell of record.cells) chars += cell.length;
  return chars;
}

/** The targets `fileKeys` reads: pass 1 maps only these columns (country: the region phones are read in). */
const KEY_TARGETS = new Set(['id', 'phone', 'additional_phones', 'email', 'additional_emails', 'country']);

export function keyColumnsOf(mapping: ResolvedMapping): ResolvedMapping {
  return new Map([...mapping].filter(([, t]) => KEY_TARGETS.has(t) || t.startsWith('identity.')));
}

/** Pass 1's keys of one record, mapped through `keyColumnsOf(mapping)`. */
function recordKeys(
  record: SourceRecord,
  keyColumns: ResolvedMapping,
  input: RowPreparationInput,
): RowKeysOfFile {
  return {
    rowNumber: record.rowNumber,
    keys: fileKeys(mapRecord(record.cells, keyColumns, input.mappingCtx), input.normalize),
  };
}

export function keyRecords(
  records: readonly SourceRecord[],
  keyColumns: ResolvedMapping,
  input: RowPreparationInput,
): RowKeysOfFile[] {
  return records.map((r) => recordKeys(r, keyColumns, input));
}

export async function* prepareRowBatches<K extends RowPreparation>(
  kind: K,
  input: RowPreparationInput,
): AsyncGenerator<PreparedBatch[K]> {
  const mapping = kind === 'keys' ? keyColumnsOf(input.mapping) : input.mapping;
  let batch: (RowKeysOfFile | PreparedRow)[] = [];
  let chars = 0;
  for await (const record of readSourceRecords(input.path, input.source, { xlsxLimits: input.xlsxLimits })) {
    if (record.rowNumber <= input.afterRow) continue;
    chars += recordChars(record);
    batch.push(
      kind === 'keys'
        ? recordKeys(record, mapping, input)
        : {
            record,
            validation: validateRow(mapRecord(record.cells, mapping, input.mappingCtx), input.normalize),
          },
    );
    if (batch.length >= input.batchRows || chars >= MAX_BATCH_CHARS) {
      yield batch as PreparedBatch[K];
      batch = [];
      chars = 0;
    }
  }
  if (batch.length > 0) yield batch as PreparedBatch[K];
}

/**
 * Pass 1 as a reading thread sends it: every other batch keyed, the others as their records, keyed by
 * the receiving thread, which would otherwise wait. Keying (phone parsing above all) costs several
 * times the reading, so the two threads share pass 1 about evenly.
 */
export type SharedKeyBatch = { keyed: RowKeysOfFile[] } | { records: SourceRecord[] };

export async function* prepareSharedKeyBatches(input: RowPreparationInput): AsyncGenerator<SharedKeyBatch> {
  const keyColumns = keyColumnsOf(input.mapping);
  let records: SourceRecord[] = [];
  let keyHere = true;
  let chars = 0;
  for await (const record of readSourceRecords(input.path, input.source, { xlsxLimits: input.xlsxLimits })) {
    if (record.rowNumber <= input.afterRow) continue;
    records.push(record);
    chars += recordChars(record);
    if (records.length < input.batchRows && chars < MAX_BATCH_CHARS) continue;
    yield shareBatch(records, keyHere, keyColumns, input);
    keyHere = !keyHere;
    records = [];
    chars = 0;
  }
  if (records.length > 0) yield shareBatch(records, keyHere, keyColumns, input);
}

function shareBatch(
  records: SourceRecord[],
  keyHere: boolean,
  keyColumns: ResolvedMapping,
  input: RowPreparationInput,
): SharedKeyBatch {
  return keyHere ? { keyed: keyRecords(records, keyColumns, input) } : { records };
}
