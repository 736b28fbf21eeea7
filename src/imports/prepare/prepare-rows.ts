/**
 * Read → map → validate as one stream of row batches, the CPU-heavy front of the import pipeline. Pass 1
 * needs only each row's keys (`fileKeyBatches`), pass 2 the whole validated row (`validatedRowBatches`).
 * Plain data in, plain data out, so it runs the same in-process or on a worker thread.
 */
import type { NormalizeContext } from '../../domain/contact/contact-patch.js';
import { mapRecord, type MappingContext, type ResolvedMapping } from '../map/column-mapping.js';
import { readSourceRecords, type SourceInfo, type SourceRecord } from '../read/source-reader.js';
import { fileKeys, validateRow, type ValidatedRow } from '../validate/row-validation.js';

export interface RowPreparationInput {
  path: string;
  source: SourceInfo;
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

/** The targets `fileKeys` reads: pass 1 maps only these columns. */
const KEY_TARGETS = new Set(['id', 'phone', 'additional_phones', 'email', 'additional_emails']);

export async function* prepareRowBatches<K extends RowPreparation>(
  kind: K,
  input: RowPreparationInput,
): AsyncGenerator<PreparedBatch[K]> {
  const mapping: ResolvedMapping =
    kind === 'keys'
      ? new Map([...input.mapping].filter(([, t]) => KEY_TARGETS.has(t) || t.startsWith('identity.')))
      : input.mapping;
  let batch: (RowKeysOfFile | PreparedRow)[] = [];
  for await (const record of readSourceRecords(input.path, input.source)) {
    if (record.rowNumber <= input.afterRow) continue;
    const mapped = mapRecord(record.cells, mapping, input.mappingCtx);
    batch.push(
      kind === 'keys'
        ? { rowNumber: record.rowNumber, keys: fileKeys(mapped, input.normalize) }
        : { record, validation: validateRow(mapped, input.normalize) },
    );
    if (batch.length >= input.batchRows) {
      yield batch as PreparedBatch[K];
      batch = [];
    }
  }
  if (batch.length > 0) yield batch as PreparedBatch[K];
}
