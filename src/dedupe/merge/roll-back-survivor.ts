import type { ContactState } from '../../domain/contact/contact-fields.js';
import { sameFieldValue } from '../../domain/contact/contact-patch.js';

/**
 * The survivor's state with the merge taken back: each value the merge changed returns to what it was,
 * unless it was changed again since (then the newer value stays and the field is reported). Emails,
 * phones, tags and identities the merge brought in are removed.
 */
export function rollBackSurvivor(
  current: ContactState,
  before: ContactState,
  after: ContactState,
): { state: ContactState; kept: string[] } {
  const state = structuredClone(current);
  const kept: string[] = [];
  const s = state as unknown as Record<string, unknown>;
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  for (const field of Object.keys(before) as (keyof ContactState)[]) {
    if (
      [
        'email',
        'additional_emails',
        'phone',
        'additional_phones',
        'identities',
        'attributes',
        'tags',
      ].includes(field)
    )
      continue;
    if (sameFieldValue(b[field], a[field])) continue;
    if (sameFieldValue(s[field], a[field])) s[field] = b[field];
    else kept.push(field);
  }
  for (const [primary, additional] of [
    ['email', 'additional_emails'],
    ['phone', 'additional_phones'],
  ] as const) {
    const had = new Set([before[primary], ...before[additional]].filter((v) => v !== null));
    const brought = [after[primary], ...after[additional]].filter(
      (v): v is string => v !== null && !had.has(v),
    );
    const remaining = [state[primary], ...state[additional]].filter(
      (v): v is string => v !== null && !brought.includes(v),
    );
    const primaryValue =
      before[primary] !== null && remaining.includes(before[primary])
        ? before[primary]
        : (remaining[0] ?? null);
    state[primary] = primaryValue;
    state[additional] = remaining.filter((v) => v !== primaryValue);
  }
  for (const type of new Set([...Object.keys(before.identities), ...Object.keys(after.identities)])) {
    if (sameFieldValue(before.identities[type], after.identities[type])) continue;
    if (sameFieldValue(state.identities[type], after.identities[type])) {
      if (before.identities[type] === undefined) delete state.identities[type];
      else state.identities[type] = before.identities[type];
    } else kept.push(`identity.${type}`);
  }
  for (const key of new Set([...Object.keys(before.attributes), ...Object.keys(after.attributes)])) {
    if (sameFieldValue(before.attributes[key], after.attributes[key])) continue;
    if (sameFieldValue(state.attributes[key], after.attributes[key])) {
      if (before.attributes[key] === undefined) delete state.attributes[key];
      else state.attributes[key] = before.attributes[key];
    } else kept.push(`attr.${key}`);
  }
  const hadTags = new Set(before.tags.map((t) => t.toLowerCase()));
  const broughtTags = new Set(after.tags.map((t) => t.toLowerCase()).filter((t) => !hadTags.has(t)));
  state.tags = state.tags.filter((t) => !broughtTags.has(t.toLowerCase()));
  return { state, kept };
}
