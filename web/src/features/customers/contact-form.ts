/**
 * The customer form's state and what it sends: only the fields a person changed, lists split from one
 * value per line, empty text as null (clears the field); phones shown as the page shows them. Pure, so
 * it is tested alone.
 */
import type { Contact } from '../../api/client';
import { phoneForEditing } from '../../ui/phone-format';

export const TEXT_FIELDS = [
  'name',
  'first_name',
  'last_name',
  'email',
  'phone',
  'gender',
  'birthday',
  'company',
  'country',
  'province',
  'city',
  'address',
  'postcode',
  'initial_source',
  'initial_source_detail',
  'campaign',
] as const;
export type TextField = (typeof TEXT_FIELDS)[number];
export const LIST_FIELDS = ['additional_emails', 'additional_phones'] as const;
export type ListField = (typeof LIST_FIELDS)[number];

export interface ContactFormState {
  text: Record<TextField, string>;
  lists: Record<ListField, string>;
  identities: Record<string, string>;
  attributes: Record<string, string>;
}

export type ContactPatch = Record<string, unknown>;

export function formStateOf(contact: Partial<Contact> | null): ContactFormState {
  const text = {} as Record<TextField, string>;
  for (const field of TEXT_FIELDS) text[field] = (contact?.[field] as string | null | undefined) ?? '';
  text.phone = phoneForEditing(contact?.phone);
  return {
    text,
    lists: {
      additional_emails: (contact?.additional_emails ?? []).join('\n'),
      additional_phones: (contact?.additional_phones ?? []).map(phoneForEditing).join('\n'),
    },
    identities: { ...(contact?.identities ?? {}) },
    attributes: Object.fromEntries(
      Object.entries(contact?.attributes ?? {}).map(([key, value]) => [key, String(value)]),
    ),
  };
}

export function splitLines(value: string): string[] {
  return value
    .split(/[\n,;]+/)
    .map((part) => part.trim())
    .filter(Boolean);
}

/** What changed between the form as loaded and as edited, in the API's PATCH shape. */
export function contactPatch(before: ContactFormState, after: ContactFormState): ContactPatch {
  const patch: ContactPatch = {};
  for (const field of TEXT_FIELDS) {
    if (before.text[field].trim() !== after.text[field].trim())
      patch[field] = after.text[field].trim() || null;
  }
  for (const field of LIST_FIELDS) {
    const old = splitLines(before.lists[field]);
    const next = splitLines(after.lists[field]);
    if (old.join('\n') !== next.join('\n')) patch[field] = next;
  }
  for (const [group, source, target] of [
    ['identities', before.identities, after.identities],
    ['attributes', before.attributes, after.attributes],
  ] as const) {
    const changes: Record<string, string | null> = {};
    for (const key of new Set([...Object.keys(source), ...Object.keys(target)])) {
      const old = (source[key] ?? '').trim();
      const next = (target[key] ?? '').trim();
      if (old !== next) changes[key] = next || null;
    }
    if (Object.keys(changes).length > 0) patch[group] = changes;
  }
  return patch;
}
