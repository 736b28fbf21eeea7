/**
 * An import's warning about the file as a whole in the user's language: the kinds the server codes
 * (src/imports/file-warnings.ts) from their numbers and names; an older import's uncoded sentences
 * that we know, read back; anything else as the server wrote it.
 */
import type { TFunction } from 'i18next';
import { formatListIn } from '../../i18n/list-format';
import { localeOf } from '../../i18n/locale';
import type { ImportRecord } from './import-api';

export type FileWarning = ImportRecord['warning_details'][number];

export function fileWarningText(warning: FileWarning, t: TFunction, language: string): string {
  const list = (items: readonly (string | number)[]) =>
    formatListIn(localeOf(language), items.map(String), 'values');
  if (warning.code === 'title_rows')
    return t('imports.check.titleRows', {
      row: warning.header_row,
      rows: list(warning.title_rows),
      count: warning.title_rows.length,
    });
  if (warning.code === 'columns_not_imported')
    return t('imports.check.notImported', { columns: list(warning.columns) });
  // An import queued before the server coded its warnings.
  const notImported = /^columns not imported: (.*)$/.exec(warning.message);
  return notImported ? t('imports.check.notImported', { columns: notImported[1] }) : warning.message;
}
