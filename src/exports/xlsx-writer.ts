/**
 * A one-sheet XLSX workbook streamed to a writable: the sheet's rows go into archiver's zip as they
 * come (deflated at level 1 on zlib's own threads), with back-pressure, so memory stays flat however
 * many rows there are. The parts' text is ./xlsx-sheet.ts's.
 */
import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createRequire } from 'node:module';
import type archiver from 'archiver';
import { SHEET_PART, SheetRows, type SheetCell, sheetEnd, sheetStart, workbookParts } from './xlsx-sheet.js';

export interface XlsxSheetWriter {
  rows(rows: readonly (readonly SheetCell[])[]): Promise<void>;
  /** Closes the sheet and the zip, and waits until `out` has everything. */
  end(): Promise<void>;
}

export function writeXlsxSheet(out: Writable, sheetName: string): XlsxSheetWriter {
  // Level 1: a tenth of the default level's time for a file about a fifth larger.
  // Loaded on first use: archiver is 14 MB of every process that never writes an XLSX.
  const zip = createRequire(import.meta.url)('archiver') as typeof archiver;
  const archive = zip('zip', { zlib: { level: 1 } });
  let failure: Error | null = null;
  let fail: (error: Error) => void = () => undefined;
  // Settles only when something failed: raced against each wait below.
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const onFailure = (error: Error) => {
    failure ??= error;
    fail(failure);
  };
  archive.on('error', onFailure);
  archive.on('warning', onFailure);
  // A file that fails (a full disk) or a download the client left is unpiped and never drains the zip
  // again, so the sheet would wait for room forever: its error, or its early close, ends the export.
  out.on('error', onFailure);
  out.on('close', () => {
    if (!out.writableFinished)
      onFailure(out.errored ?? new Error('the output was closed before the export ended'));
  });
  archive.pipe(out);
  for (const [name, text] of Object.entries(workbookParts(sheetName))) archive.append(text, { name });
  const sheet = new PassThrough({ highWaterMark: 1 << 20 });
  archive.append(sheet, { name: SHEET_PART });
  const numbering = new SheetRows(1);
  const write = async (text: string) => {
    if (failure) throw failure;
    if (!sheet.write(text)) await Promise.race([once(sheet, 'drain'), failed]);
  };
  let started = false;
  return {
    async rows(rows) {
      if (!started) {
        started = true;
        await write(sheetStart());
      }
      await write(numbering.rows(rows));
    },
    async end() {
      if (!started) await write(sheetStart());
      sheet.end(sheetEnd());
      await Promise.race([archive.finalize(), failed]);
      if (failure) throw failure;
      await Promise.race([finished(out, { readable: false }), failed]);
    },
  };
}
