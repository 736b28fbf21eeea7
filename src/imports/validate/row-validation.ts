/**
 * Stage 3 of the import pipeline: normalise and validate one mapped row. Pure. A row fails only when it
 * cannot be used: an invalid identifier value (id, identity, phone, email) or none at all. Any other
 * invalid value (gender, birthday, an attribute of the wrong type, a too-long text, a tag) is left out
 * and reported as a warning, so one odd cell does not cost the customer.
 */
import type { ContactPatch, NormalizeContext } from '../../domain/contact/contact-patch.js';
import { normalizeContactInput, splitListValue } from '../../domain/contact/contact-patch.js';
import { normalizeEmail } from '../../domain/normalize/email.js';
import { isNoGender } from '../../domain/normalize/gender.js';
import { normalizePhone, phoneLeftOut } from '../../domain/normalize/phone.js';
import { ValidationError, ValidationErrors } from '../../domain/errors.js';
import type { MappedRow } from '../map/column-mapping.js';
import { contactKeysOf, hasIdentifier } from '../../domain/contact/identify-rule.js';
import type { RowKeys } from '../match/match-row-to-contact.js';
import { normalizeIdentityValue } from '../../domain/normalize/text.js';
import { regionOfCountry } from '../../domain/normalize/country-region.js';
import { fieldPath } from '../../domain/field-path.js';

export type ValidatedRow =
  | {
      ok: true;
      id: string | null;
      patch: ContactPatch;
      keys: RowKeys;
      /** Values left out of the patch, each naming the field, the value and why. */
      warnings: string[];
    }
  | { ok: false; reason: string };

/** Fields whose values match and create contacts: an invalid one makes the row unusable. */
const IDENTIFIER_FIELD =
  /^(id|email|phone|external_id|additional_emails(\[\d+\])?|additional_phones(\[\d+\])?|identities(\..+)?)$/;

export function isIdentifierField(field: string): boolean {
  return IDENTIFIER_FIELD.test(field);
}

function problemsOf(e: unknown): ValidationError[] {
  if (e instanceof ValidationErrors) return e.errors;
  if (e instanceof ValidationError) return [e];
  throw e;
}

/**
 * The input without the value a ValidationError names, or null when the field is not one a row can do
 * without (then the row fails rather than be imported wrong).
 */
function withoutField(input: Record<string, unknown>, field: string): Record<string, unknown> | null {
  const out = { ...input };
  const listItem = /^(tags)\[(\d+)\]$/.exec(field);
  if (listItem) {
    const [, list, index] = listItem;
    const value = out[list!];
    const items = Array.isArray(value) ? [...(value as unknown[])] : splitListValue(String(value ?? ''));
    items[Number(index)] = null;
    out[list!] = items;
    return out;
  }
  if (field.startsWith('attributes.')) {
    const attributes = { ...(out.attributes as Record<string, unknown>) };
    delete attributes[field.slice('attributes.'.length)];
    out.attributes = attributes;
    return out;
  }
  if (!(field in out) || field === 'attributes' || field === 'tags') return null;
  delete out[field];
  return out;
}

/**
 * The row's phones are read in the region its country cell names (`United States`, `日本`, `DE`) when it
 * names one, else in the import's region: a CRM's export writes each customer's phone as written in the
 * customer's country, and read as Chinese `(415) 555-0100` became +86 415 555 0100.
 */
export function rowContext(mapped: MappedRow, ctx: NormalizeContext): NormalizeContext {
  const country = mapped.input.country;
  const region = typeof country === 'string' ? regionOfCountry(country) : null;
  return region && region !== ctx.region ? { ...ctx, region } : ctx;
}

export function validateRow(mapped: MappedRow, importCtx: NormalizeContext): ValidatedRow {
  if (mapped.notARow) return { ok: false, reason: mapped.notARow };
  const ctx = rowContext(mapped, importCtx);
  let input = mapped.input;
  // 未知 / 保密 / unknown: the file does not know the gender, like an empty cell (which never clears).
  if (typeof input.gender === 'string' && isNoGender(input.gender)) {
    input = { ...input };
    delete input.gender;
  }
  const masked = maskedValues(input);
  input = masked.input;
  const warnings: string[] = masked.problems.map(warningOf);
  let problems: ValidationError[] = [];
  let patch: ContactPatch;
  try {
    patch = normalizeContactInput(input, ctx);
  } catch (e) {
    problems = problemsOf(e);
    const fatal = problems.some((p) => isIdentifierField(p.field));
    let rest: Record<string, unknown> | null = fatal ? null : input;
    for (const p of problems) if (rest) rest = withoutField(rest, p.field);
    if (!rest) {
      // What made the row unusable (an identifier first, then a value it cannot do without, such as
      // its tags), then whatever else to fix in the same go, said as what a row that is imported would
      // leave out ("gender was not imported: …"): those are not why the row failed, and the summary of
      // failures does not count them (report/row-report.ts).
      const cause = (p: ValidationError) =>
        isIdentifierField(p.field) || withoutField(input, p.field) === null;
      const ordered = [
        ...problems.filter((p) => isIdentifierField(p.field)).map((p) => p.message),
        ...problems.filter((p) => cause(p) && !isIdentifierField(p.field)).map((p) => p.message),
        ...problems.filter((p) => !cause(p)).map(warningOf),
      ];
      return { ok: false, reason: ordered.join('; ') };
    }
    try {
      patch = normalizeContactInput(withoutNullItems(rest), ctx);
    } catch (again) {
      return {
        ok: false,
        reason: [...problemsOf(again).map((x) => x.message), ...problems.map(warningOf)].join('; '),
      };
    }
    for (const p of problems) warnings.push(warningOf(p));
  }
  const keys = contactKeysOf(mapped.id, patch);
  if (!hasIdentifier(keys)) {
    return {
      ok: false,
      reason: [
        'the row has no id, identity, phone or email, so it can be neither matched nor created',
        ...masked.problems.map((p) => p.message),
        ...problems.map(warningOf),
      ].join('; '),
    };
  }
  warnings.push(...phoneLeftOutWarnings(input, patch, ctx));
  return { ok: true, id: mapped.id, patch, keys, warnings };
}

/**
 * A phone kept as its number, in E.164, without what its cell said beside it: the words
 * (`138 0013 8000 老板`, `(home)`) and an extension. Imported, but said, so nothing goes unnoticed.
 */
function phoneLeftOutWarnings(
  input: Record<string, unknown>,
  patch: ContactPatch,
  ctx: NormalizeContext,
): string[] {
  const kept = new Set([...(patch.phone ? [patch.phone] : []), ...(patch.additional_phones ?? [])]);
  if (kept.size === 0) return [];
  const cells: [string, string][] = [];
  if (typeof input.phone === 'string') cells.push(['phone', input.phone]);
  const others = input.additional_phones;
  const items = typeof others === 'string' ? splitListValue(others) : Array.isArray(others) ? others : [];
  items.forEach((item, i) => {
    if (typeof item === 'string') cells.push([`additional_phones[${i}]`, item]);
  });
  const out: string[] = [];
  for (const [field, value] of cells) {
    const { extension, words } = phoneLeftOut(value);
    if (extension === null && words === null) continue;
    let number: string;
    try {
      number = normalizePhone(value, ctx.region);
    } catch {
      continue;
    }
    if (!kept.has(number)) continue;
    const got = `(got ${JSON.stringify(value)})`;
    if (words !== null) out.push(`${field}: kept as the number only, without the words beside it ${got}`);
    if (extension !== null)
      out.push(
        `${field}: kept without its extension, which a phone in international form (E.164) cannot hold ${got}`,
      );
  }
  return out;
}

/** `138****8004`, `z***@qq.com`: a value whose characters the platform it came from hid. */
const MASKED = /[*＊]{3,}|[*＊]{2,}@/u;

/**
 * Phones and e-mails that the platform they were exported from masked (Taobao, Tmall, Youzan and
 * WeChat stores export `138****8004`): no value to match or keep, so left out with a warning, like an
 * unknown gender, rather than failing the customer, who is matched or created by another identifier
 * when the row has one.
 */
function maskedValues(input: Record<string, unknown>): {
  input: Record<string, unknown>;
  problems: ValidationError[];
} {
  const problems: ValidationError[] = [];
  let out = input;
  const reason = 'is masked: the platform it was exported from hides its characters';
  for (const field of ['phone', 'email'] as const) {
    const value = out[field];
    if (typeof value === 'string' && MASKED.test(value)) {
      problems.push(new ValidationError(field, value, reason));
      out = { ...out };
      delete out[field];
    }
  }
  for (const field of ['additional_phones', 'additional_emails'] as const) {
    const value = out[field];
    if (typeof value !== 'string' || !MASKED.test(value)) continue;
    const items = splitListValue(value);
    items.forEach((item, i) => {
      if (MASKED.test(item)) problems.push(new ValidationError(`${field}[${i}]`, item, reason));
    });
    const kept = items.filter((item) => !MASKED.test(item));
    out = { ...out, [field]: kept.join(';') };
    if (kept.length === 0) delete out[field];
  }
  return { input: out, problems };
}

/** Removed list items were marked null so that the other items kept their indexes until now. */
function withoutNullItems(input: Record<string, unknown>): Record<string, unknown> {
  const out = { ...input };
  for (const [key, value] of Object.entries(out))
    if (Array.isArray(value)) out[key] = value.filter((v) => v !== null);
  return out;
}

/** "gender was not imported: must be one of male, female, other (got "Agender")". */
export function warningOf(problem: ValidationError): string {
  const { reason } = problem.details as { reason: string };
  return `${problem.field} was not imported: ${reason} (got ${JSON.stringify(problem.value)})`;
}

/**
 * The keys of a mapped row for the in-file duplicate pass, normalised exactly as `validateRow` does but
 * without validating the rest of the row: pass 1 only needs to know which rows share a key. A value that
 * is not valid is no key.
 */
export function fileKeys(mapped: MappedRow, importCtx: NormalizeContext): string[] {
  const ctx = rowContext(mapped, importCtx);
  const out: string[] = [];
  if (mapped.id) out.push(`id\u0000${mapped.id}`);
  const input = mapped.input;
  for (const [type, value] of Object.entries(
    (input.identities as Record<string, string> | undefined) ?? {},
  )) {
    if (ctx.identityTypes.has(type))
      out.push(`identity\u0000${type}\u0000${normalizeIdentityValue(String(value))}`);
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

/** A shared value left out of one row: its kind, value (normalised) and the other rows holding it. */
export interface LeftOutKey {
  kind: 'phone' | 'email';
  value: string;
  others: number[];
}

export function describeDuplicateKey(key: string): string {
  const [kind, a, b] = key.split('\u0000');
  if (kind === 'identity') return `${a} ${JSON.stringify(b)}`;
  return `${kind} ${JSON.stringify(a)}`;
}

/**
 * A validated row without the shared phones and e-mails the in-file pass left out of it (a company's
 * switchboard on every person's row: `InFileDuplicateIndex.leftOutFor`), each with a warning naming the
 * value and the other rows holding it. A primary phone or e-mail left out is replaced by the row's first
 * additional one. Pure.
 */
export function withoutSharedValues(
  v: Extract<ValidatedRow, { ok: true }>,
  leftOut: readonly LeftOutKey[],
): ValidatedRow {
  if (leftOut.length === 0) return v;
  const patch: ContactPatch = { ...v.patch };
  const warnings = [...v.warnings];
  for (const { kind, value, others } of leftOut) {
    const [single, list] =
      kind === 'phone'
        ? (['phone', 'additional_phones'] as const)
        : (['email', 'additional_emails'] as const);
    const rest = (patch[list] ?? []).filter((x) => x !== value);
    const field = patch[single] === value ? single : fieldPath(list, (patch[list] ?? []).indexOf(value));
    if (patch[single] === value) {
      const [next, ...after] = rest;
      patch[single] = next;
      patch[list] = after;
      if (next === undefined) delete patch[single];
    } else {
      patch[list] = rest;
    }
    if (patch[list]?.length === 0 && v.patch[list] === undefined) delete patch[list];
    const rows = `row${others.length > 1 ? 's' : ''} ${others.join(', ')}`;
    warnings.push(
      warningOf(
        new ValidationError(
          field,
          value,
          `is also on ${rows} of this file: a shared ${kind === 'phone' ? 'line (a company switchboard)' : 'mailbox (info@…)'} identifies none of them, so the row is matched by its own values`,
        ),
      ),
    );
  }
  const keys = contactKeysOf(v.id, patch);
  if (!hasIdentifier(keys)) {
    const values = leftOut.map((k) => `${k.kind} ${JSON.stringify(k.value)}`).join(', ');
    const others = [...new Set(leftOut.flatMap((k) => k.others))].sort((a, b) => a - b);
    return {
      ok: false,
      reason: `the same ${values} is also on row${others.length > 1 ? 's' : ''} ${others.join(', ')} of this file`,
    };
  }
  return { ...v, patch, keys, warnings };
}
