/**
 * An import's warnings about the file as a whole. Each keeps its English sentence (what the API's
 * `warnings` and the CLI print); the ones a screen says in the user's language carry a code and the
 * numbers or names the sentence holds, so the screen need not read them back out of the English.
 */
export type FileWarning =
  | { code: 'title_rows'; message: string; header_row: number; title_rows: number[] }
  | { code: 'columns_not_imported'; message: string; columns: string[] }
  | { code: 'other'; message: string };

/** Title rows passed over above a header found below them. */
export function titleRowsWarning(headerRow: number, titleRows: number[]): FileWarning {
  const above =
    titleRows.length === 1
      ? `row ${titleRows[0]} above it is a title`
      : `rows ${titleRows.join(', ')} above it are a title`;
  return {
    code: 'title_rows',
    message: `the column names were read from row ${headerRow}; ${above} and not imported (choose another header row if this is wrong)`,
    header_row: headerRow,
    title_rows: titleRows,
  };
}

/** Named columns the mapping leaves out. */
export function columnsNotImportedWarning(columns: string[]): FileWarning {
  return { code: 'columns_not_imported', message: `columns not imported: ${columns.join(', ')}`, columns };
}

/** A warning only its sentence says (screens show it as the server wrote it). */
export function plainWarning(message: string): FileWarning {
  return { code: 'other', message };
}

/** An import's stored warnings (JSON): an import queued before codes were kept has sentences alone. */
export function readWarnings(json: string): FileWarning[] {
  const stored = JSON.parse(json) as (string | FileWarning)[];
  return stored.map((w) => (typeof w === 'string' ? plainWarning(w) : w));
}
