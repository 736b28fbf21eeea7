/**
 * How a file row changes an existing contact, so that an import loses nothing: emails and phones not
 * yet on the contact are added (the primary stays), tags are added, an identity the contact already
 * holds with another value is kept and the file's value reported, source fields follow the policy.
 * Pure.
 */
import type { ContactState } from '../../domain/contact/contact-fields.js';
import type { ContactPatch } from '../../domain/contact/contact-patch.js';
import { type ImportSettings, SOURCE_FIELDS, withSourceValues } from '../import-settings.js';

/** The settings a row's patch depends on. */
export type PatchSettings = Pick<
  ImportSettings,
  'tags' | 'sourcePolicy' | 'initialSource' | 'initialSourceDetail' | 'campaign'
>;

export interface MergedPatch {
  patch: ContactPatch;
  warnings: string[];
}

function addMissing(current: string[], wanted: (string | null | undefined)[]): string[] {
  const out = [...current];
  for (const value of wanted) if (value && !out.includes(value)) out.push(value);
  return out;
}

/** A new contact takes the import's source values under either policy (a column's own value first). */
export function patchForNewContact(
  row: ContactPatch,
  settings: Pick<PatchSettings, 'tags' | 'initialSource' | 'initialSourceDetail' | 'campaign'>,
): ContactPatch {
  const sourced = withSourceValues(row, settings);
  return { ...sourced, tags: addMissingCaseless(row.tags ?? [], settings.tags) };
}

function addMissingCaseless(current: string[], wanted: string[]): string[] {
  const out = [...current];
  for (const tag of wanted) if (!out.some((t) => t.toLowerCase() === tag.toLowerCase())) out.push(tag);
  return out;
}

export function mergeImportPatch(
  current: ContactState,
  row: ContactPatch,
  settings: PatchSettings,
): MergedPatch {
  const warnings: string[] = [];
  // An existing contact takes the import's source values only under the policy `all`, as a column's.
  const scalars = { ...withSourceValues(row, settings).scalars };
  if (settings.sourcePolicy === 'new-only') for (const field of SOURCE_FIELDS) delete scalars[field];
  const patch: ContactPatch = { scalars };

  for (const [primary, additional] of [
    ['email', 'additional_emails'],
    ['phone', 'additional_phones'],
  ] as const) {
    const fileValues = [row[primary], ...(row[additional] ?? [])].filter((v): v is string => !!v);
    if (fileValues.length === 0) continue;
    const held = [current[primary], ...current[additional]].filter((v): v is string => v !== null);
    const fresh = fileValues.filter((v) => !held.includes(v));
    if (fresh.length === 0) continue;
    if (current[primary] === null) {
      patch[primary] = fresh[0]!;
      patch[additional] = addMissing(current[additional], fresh.slice(1));
    } else {
      patch[additional] = addMissing(current[additional], fresh);
    }
  }

  const tags = addMissingCaseless(addMissingCaseless(current.tags, row.tags ?? []), settings.tags);
  if (tags.length !== current.tags.length) patch.tags = tags;

  for (const [type, value] of Object.entries(row.identities ?? {})) {
    if (value === null) continue;
    const held = current.identities[type];
    if (held === undefined) (patch.identities ??= {})[type] = value;
    else if (held !== value) {
      warnings.push(
        `identities.${type}: the contact already has ${JSON.stringify(held)}; the file's ${JSON.stringify(value)} was not imported`,
      );
    }
  }
  if (row.attributes) patch.attributes = { ...row.attributes };
  return { patch, warnings };
}
