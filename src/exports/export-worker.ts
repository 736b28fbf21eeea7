/**
 * One thread of a parallel export (parallel-range-export.ts): its own read-only connection to the
 * SQLite store; for each slice of ids it is given it reads the slice's live contacts, writes them in
 * the export's text format (CSV, JSON, NDJSON, XML) and sends that back, encoded. Reading and
 * formatting are nine tenths of an export, so two such threads use both cores while the main thread
 * only hands out slices and writes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { sqliteRowReader } from '../store/row-reader.js';
import { readRangeFromRows } from '../contacts/contact-range-rows.js';
import type { ExportColumn } from './export-columns.js';
import { TEXT_FORMAT_LAYOUTS, type TextFormat } from './export-text-formats.js';
import { Utf8Run } from './utf8-run.js';

export interface ExportSliceRequest {
  slice: number;
  afterId: string;
  upToId: string;
}

export type ExportSliceResult =
  { slice: number; rows: number; bytes: Uint8Array } | { slice: number; error: string };

export interface ExportWorkerData {
  file: string;
  format: TextFormat;
  columns: ExportColumn[];
}

const { file, format, columns } = (workerData as { data: ExportWorkerData }).data;
const sqlite = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
sqlite.pragma('busy_timeout = 10000');

const reader = sqliteRowReader(sqlite);
const layout = TEXT_FORMAT_LAYOUTS[format];
const run = new Utf8Run();

parentPort!.on('message', (request: ExportSliceRequest) => {
  try {
    // One transaction per slice: its contacts and their values are read from one state of the store.
    const { contacts } = sqlite.transaction(() =>
      readRangeFromRows(reader, request.afterId, Number.MAX_SAFE_INTEGER, request.upToId),
    )();
    layout.records(contacts, columns, run);
    const result: ExportSliceResult = {
      slice: request.slice,
      rows: contacts.length,
      // Encoded here and handed over without a copy: the main thread only writes bytes, and holds no
      // large strings (which V8 keeps until a full collection).
      bytes: run.take(),
    };
    parentPort!.postMessage(result, [result.bytes.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({
      slice: request.slice,
      error: error instanceof Error ? error.message : String(error),
    });
  }
});
