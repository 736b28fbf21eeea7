/**
 * Stage 6 of the import pipeline: report. The failure file holds the failed rows with the original
 * columns in their original order plus a last column `error` with the reason, UTF-8 with a BOM so that
 * Excel shows Chinese correctly. Fed back into an import, its `error` column is ignored.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import { PRIVATE_FILE_MODE } from '../../store/private-files.js';
import type { Queryable } from '../../store/transaction.js';
import { protectCell } from './csv-cell-safety.js';

const PAGE = 2000;

export async function writeFailureFile(
  db: Queryable,
  importId: string,
  header: string[],
  outPath: string,
): Promise<number> {
  const out = fs.createWriteStream(outPath, { mode: PRIVATE_FILE_MODE });
  const csv = stringify({ bom: true });
  csv.pipe(out);
  const write = async (record: string[]) => {
    if (!csv.write(record)) await once(csv, 'drain');
  };
  const columns = header[header.length - 1]?.trim().toLowerCase() === 'error' ? header.slice(0, -1) : header;
  await write([...columns, 'error'].map(protectCell));
  let after = 0;
  let count = 0;
  for (;;) {
    const rows = await db
      .selectFrom('import_rows')
      .select(['row_number', 'cells', 'error'])
      .where('import_id', '=', importId)
      .where('action', '=', 'failed')
      .where('row_number', '>', after)
      .orderBy('row_number')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const cells = (JSON.parse(row.cells ?? '[]') as string[]).slice(0, columns.length);
      while (cells.length < columns.length) cells.push('');
      await write([...cells, `row ${row.row_number}: ${row.error ?? ''}`].map(protectCell));
      count++;
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.row_number;
  }
  csv.end();
  await once(out, 'finish');
  return count;
}
