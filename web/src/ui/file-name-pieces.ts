/**
 * Where a long file name may wrap: after an underscore, a hyphen or a space, and before a dot other than
 * the extension's (which stays with the word before it), so a narrow column shows "customers_export_ /
 * from_the_old_crm.csv" and never "bad_rows.cs / v".
 * A piece longer than LONG_PIECE (a name with nothing to break at) may still break anywhere, or it
 * would widen its column past the window.
 */
export const LONG_PIECE = 24;

export function fileNamePieces(name: string): string[] {
  return name.split(/(?<=[_\- ])|(?=\.[^.]*\.)/).filter((piece) => piece !== '');
}
