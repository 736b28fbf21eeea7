/**
 * What a CSV or XLSX export calls its columns (pure): the field keys the import and the API use
 * (`email`, `identity.wechat_openid`, `attr.vip_level`), or the names the web app gives the same fields
 * in English or Chinese (`Email` / `邮箱`, an identity type's or attribute's own label). The import maps
 * every one of these names back to its field (test/exports/export-column-names.test.ts reads an export's
 * header back through the import's mapping), so a file written for people still re-imports.
 */
import { ValidationError } from '../domain/errors.js';
import { CONTACT_FIELD_NAMES } from '../domain/contact/contact-field-names.js';
import type { ExportColumn } from './export-columns.js';

export const EXPORT_COLUMN_NAMINGS = ['keys', 'en', 'zh'] as const;
export type ExportColumnNaming = (typeof EXPORT_COLUMN_NAMINGS)[number];

/**
 * Names a custom label may not take: every field's key and its name in either language (the import
 * reads those as the field, even when the export has no such column).
 */
const RESERVED = new Set(
  Object.values(CONTACT_FIELD_NAMES).flatMap((names) =>
    Object.entries(names).flatMap(([key, name]) => [key, key.replace(/_/g, ' '), name.toLowerCase()]),
  ),
);

/** The labels an administrator gave identity types and attributes (key → label). */
export interface CustomFieldLabels {
  identityTypes: ReadonlyMap<string, string>;
  attributes: ReadonlyMap<string, string>;
}

/** The columns holding a moment (the others with dates hold a calendar day: birthday). */
export const MOMENT_COLUMNS = new Set(['created_at', 'updated_at', 'first_order_at', 'last_order_at']);

/** `column_names` as asked: absent is `keys`; anything else is refused, naming the choices. */
export function exportColumnNaming(asked: string | null | undefined): ExportColumnNaming {
  if (asked == null || asked === '') return 'keys';
  if ((EXPORT_COLUMN_NAMINGS as readonly string[]).includes(asked)) return asked as ExportColumnNaming;
  throw new ValidationError(
    'column_names',
    asked,
    `must be one of ${EXPORT_COLUMN_NAMINGS.join(', ')} (keys: the import's field keys; en, zh: the web app's field names in English or Chinese)`,
  );
}

/**
 * The header of an export: each column's name in the naming asked. An identity type or attribute is
 * called by its label, unless the label is empty, names a field, or another column already has it (two
 * attributes labelled alike): that column keeps its key, so every column of the file is told apart and
 * still maps back to its field.
 */
export function exportHeader(
  columns: readonly ExportColumn[],
  naming: ExportColumnNaming,
  labels: CustomFieldLabels,
): string[] {
  // A moment's column says the zone its times are written in: 创建时间 (Asia/Shanghai).
  const named = (column: ExportColumn, name: string) =>
    column.kind === 'field' && column.timeZone ? `${name} (${column.timeZone})` : name;
  if (naming === 'keys') return columns.map((c) => c.name);
  const fields = CONTACT_FIELD_NAMES[naming];
  // A label may not be another column's key either: the import reads a key as that column's field.
  const taken = new Set<string>(
    columns.flatMap((c) => (c.kind === 'identity' ? [c.type] : c.kind === 'attribute' ? [c.key] : [])),
  );
  return columns.map((column) => {
    if (column.kind === 'field' || column.kind === 'list')
      return named(column, fields[column.name] ?? column.name);
    const key = column.kind === 'identity' ? column.type : column.key;
    const label = (
      column.kind === 'identity' ? labels.identityTypes.get(key) : labels.attributes.get(key)
    )?.trim();
    const folded = label?.toLowerCase();
    // A type or attribute without a label of its own is labelled by its key, which stays its name.
    if (folded === key) return label!;
    if (!label || !folded || RESERVED.has(folded) || taken.has(folded)) return column.name;
    taken.add(folded);
    return label;
  });
}
