/**
 * Stage 3 of the import pipeline: normalise and validate one mapped row. Pure. A row with any invalid
 * value fails as a whole, and its reason names every invalid field with its value.
 */
import type { ContactPatch, NormalizeContext } from '../../domain/contact/contact-patch.js';
import { normalizeContactInput, splitListValue } from '../../domain/contact/contact-patch.js';
import { normalizeEmail } from '../../domain/normalize/email.js';
import { normalizePhone } from '../../domain/normalize/phone.js';
import { ValidationError, ValidationErrors } from '../../domain/errors.js';
import type { MappedRow } from '../map/column-mapping.js';
import type { RowKeys } from '../match/match-row-to-contact.js';

export type ValidatedRow =
  { ok: true; id: string | null; patch: ContactPatch; keys: RowKeys } | { ok: false; reason: string };

export function validateRow(mapped: MappedRow, ctx: NormalizeContext): ValidatedRow {
  let patch: ContactPatch;
  try {
    patch = normalizeContactInput(mapped.input, ctx);
  } catch (e) {
    if (e instanceof ValidationErrors)
      return { ok: false, reason: e.errors.map((x) => x.message).join('; ') };
    if (e instanceof ValidationError) return { ok: false, reason: e.message };
    throw e;
  }
  const keys = rowKeys(mapped.id, patch);
  if (
    keys.id === null &&
    Object.keys(keys.identities).length === 0 &&
    keys.phones.length === 0 &&
    keys.emails.length === 0
  ) {
    return {
      ok: false,
      reason: 'the row has no id, identity, phone or email, so it can be neither matched nor created',
    };
  }
  return { ok: true, id: mapped.id, patch, keys };
}

export function rowKeys(id: string | null, patch: ContactPatch): RowKeys {
  const identities: Record<string, string> = {};
  for (const [type, value] of Object.entries(patch.identities ?? {}))
    if (value !== null) identities[type] = value;
  const phones = [patch.phone, ...(patch.additional_phones ?? [])].filter((v): v is string => !!v);
  const emails = [patch.email, ...(patch.additional_emails ?? [])].filter((v): v is string => !!v);
  return { id, identities, phones: [...new Set(phones)], emails: [...new Set(emails)] };
}

/**
 * The keys of a mapped row for the in-file duplicate pass, normalised exactly as `validateRow` does but
 * without validating the rest of the row: pass 1 only needs to know which rows share a key. A value that
 * is not valid is no key.
 */
export function fileKeys(mapped: MappedRow, ctx: NormalizeContext): string[] {
  const out: string[] = [];
  if (mapped.id) out.push(`id\u0000${mapped.id}`);
  const input = mapped.input;
  for (const [type, value] of Object.entries(
    (input.identities as Record<string, string> | undefined) ?? {},
  )) {
    if (ctx.identityTypes.has(type))
      out.push(`identity\u0000${type}\u0000${String(value).normalize('NFKC').trim()}`);
  }
  const values = (single: unknown, list: unknown) => [
    ...(typeof single === 'string' ? [single] : []),
    ...(typeof list === 'string' ? splitListValue(list) : []),
  ];
  const seen = new Set<string>();
  for (const raw of values(input.phone, input.additional_phones)) {
    try {
      const phone = normalizePhone(raw, ctx.region);
      if (!seen.has(phone)) out.push(`phone\u0000${phone}`);
      seen.add(phone);
    } catch {
      // an invalid phone fails the row in pass 2; it makes no key
    }
  }
  for (const raw of values(input.email, input.additional_emails)) {
    try {
      const email = normalizeEmail(raw);
      if (!seen.has(email)) out.push(`email\u0000${email}`);
      seen.add(email);
    } catch {
      // as above
    }
  }
  return out;
}

export function describeDuplicateKey(key: string): string {
  const [kind, a, b] = key.split('\u0000');
  if (kind === 'identity') return `${a} ${JSON.stringify(b)}`;
  return `${kind} ${JSON.stringify(a)}`;
}
