import { MAX_TEXT_LENGTH } from '../domain/contact/contact-patch.js';
import { ValidationError } from '../domain/errors.js';
import { normalizeText } from '../domain/normalize/text.js';
import type { Region } from '../domain/normalize/phone.js';
import { assertNoControlCharacters } from '../domain/well-formed-text.js';

export type SourcePolicy = 'new-only' | 'all';
export type OnFileDuplicate = 'reject' | 'last';

/** What an administrator chose for one import; stored with it and shown in its history. */
export interface ImportSettings {
  /** Tags added to every imported contact. */
  tags: string[];
  /** Static group every imported contact joins (created if missing). */
  group: string | null;
  /** new-only: source fields are set on new contacts and never change existing ones. */
  sourcePolicy: SourcePolicy;
  region: Region;
  createAttributes: boolean;
  onFileDuplicate: OnFileDuplicate;
  dryRun: boolean;
  /**
   * Automation rules on `contact_created` / `contact_updated` run for the contacts this import creates
   * or changes (after each batch commits). Off for a migration: a million old customers must not get
   * a million welcome e-mails. Absent in imports recorded before the setting: on.
   */
  runAutomationRules: boolean;
  /**
   * Values for the whole file ("these customers came from: Trade fair Shanghai 2026"), applied to every
   * row under `sourcePolicy`; a mapped column's own non-empty value wins for its row. Absent in imports
   * recorded before the setting: none.
   */
  initialSource?: string | null;
  initialSourceDetail?: string | null;
  campaign?: string | null;
}

export const SOURCE_FIELDS = ['initial_source', 'initial_source_detail', 'campaign'] as const;
export type SourceField = (typeof SOURCE_FIELDS)[number];

/** The setting that gives each source field a value for the whole file. */
export const SOURCE_SETTING = {
  initial_source: 'initialSource',
  initial_source_detail: 'initialSourceDetail',
  campaign: 'campaign',
} as const satisfies Record<SourceField, keyof ImportSettings>;

/**
 * A source value typed for the whole import: stored as a contact's source field is (`normalizeText`, at
 * most MAX_TEXT_LENGTH characters), null when blank. Typed in settings, not read from a file, so
 * a control character is refused by name (as an import's tags and group are), not dropped.
 */
export function normalizeSourceValue(raw: unknown, field: string): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string') throw new ValidationError(field, raw, 'must be text or null');
  assertNoControlCharacters(raw, field);
  const text = normalizeText(raw);
  if (text !== null && text.length > MAX_TEXT_LENGTH)
    throw new ValidationError(field, raw, `is longer than ${MAX_TEXT_LENGTH} characters`);
  return text;
}

/**
 * A row's source fields with the import's values for the whole file filled in where the row has none
 * (no mapped column, or an empty cell): a column's own value wins for its row. Which contacts take them
 * is the source policy's business (`mergeImportPatch`). Pure.
 */
export function withSourceValues<T extends { scalars: Partial<Record<string, string | null>> }>(
  row: T,
  settings: Pick<ImportSettings, 'initialSource' | 'initialSourceDetail' | 'campaign'>,
): T {
  let scalars: T['scalars'] | null = null;
  for (const field of SOURCE_FIELDS) {
    const value = settings[SOURCE_SETTING[field]];
    if (!value) continue;
    const own = row.scalars[field];
    if (own !== undefined && own !== null && own !== '') continue;
    (scalars ??= { ...row.scalars })[field] = value;
  }
  return scalars ? { ...row, scalars } : row;
}
