// An import's files deleted before this version kept the file's values quoted in its rows' reasons
// (`phone: … (got "13800138000 …")`); deleting them now takes those out too (src/imports/import-files.ts).
// This does the same for the imports whose files were already deleted. Self-contained: the rule is the
// one of `withoutValues` (src/imports/report/reason-kind.ts) as it stands here, each quoted value `"…"`.
// Migrations take Kysely<any>: they must not depend on the schema type, which moves on after them.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from 'kysely';

const QUOTED = /"(?:[^"\\]|\\.)*"/g;
const redact = (reason: string | null) => (reason === null ? null : reason.replace(QUOTED, '"…"'));

export async function up(db: Kysely<any>): Promise<void> {
  const imports = await db
    .selectFrom('imports')
    .select('id')
    .where('files_deleted_at', 'is not', null)
    .execute();
  for (const { id } of imports) {
    const rows = await db
      .selectFrom('import_rows')
      .select(['row_number', 'error', 'warning'])
      .where('import_id', '=', id)
      .where((eb) => eb.or([eb('error', 'is not', null), eb('warning', 'is not', null)]))
      .execute();
    for (const row of rows) {
      const error = redact(row.error);
      const warning = redact(row.warning);
      if (error === row.error && warning === row.warning) continue;
      await db
        .updateTable('import_rows')
        .set({ error, warning })
        .where('import_id', '=', id)
        .where('row_number', '=', row.row_number)
        .execute();
    }
  }
}

// The values are gone: nothing to bring back.
export async function down(): Promise<void> {}
