/**
 * Import rows in the contacts capability's registry of contact references: the rows an import
 * recorded for merged contacts point at the survivor (so "contacts of this import" and undo still
 * find it); unmerge points each back.
 */
import { contactIdColumnReference } from '../store/contact-id-column.js';

export const importRowReference = contactIdColumnReference('import_rows', 'import_rows', [
  'import_id',
  'row_number',
]);
