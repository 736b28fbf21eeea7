/**
 * The contact's canonical form and its SHA-256: what the change log records after every change, so
 * an exporter or a sync connection can tell "changed" from "written again with the same values"
 * without comparing field by field. Defined once here; docs/ARCHITECTURE.md repeats the definition.
 *
 * The canonical form is the JSON text of an array of [field, value] pairs in this fixed order:
 *   name, first_name, last_name, email, additional_emails, phone, additional_phones, gender, birthday,
 *   country, province, city, address, postcode, company, tags, initial_source, initial_source_detail,
 *   campaign, identities, attributes
 * - values are the stored, normalised values (e-mails lower-cased, phones E.164, text NFC-trimmed …);
 *   an absent value is null, an empty list [];
 * - additional_emails / additional_phones keep their order (the order is part of the record);
 * - tags are sorted by their lower-cased name (a contact's tags are a set; their names keep case);
 * - identities are [type, value] pairs sorted by type, attributes [key, value] pairs sorted by key
 *   (attribute values keep their JSON type: "3", 3 and true differ);
 * - sorting compares UTF-16 code units (JavaScript's default), never the locale;
 * - JSON.stringify's escaping (no spaces), hashed as UTF-8. The id and Kith's timestamps are not part
 *   of it: two records holding the same values hash the same.
 */
import { createHash } from 'node:crypto';
import type { ContactState } from './contact-fields.js';

const byFirst = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

export function canonicalContactForm(state: ContactState): string {
  const tags = state.tags
    .map((t) => [t.toLowerCase(), t] as [string, string])
    .sort(byFirst)
    .map(([, t]) => t);
  return JSON.stringify([
    ['name', state.name],
    ['first_name', state.first_name],
    ['last_name', state.last_name],
    ['email', state.email],
    ['additional_emails', state.additional_emails],
    ['phone', state.phone],
    ['additional_phones', state.additional_phones],
    ['gender', state.gender],
    ['birthday', state.birthday],
    ['country', state.country],
    ['province', state.province],
    ['city', state.city],
    ['address', state.address],
    ['postcode', state.postcode],
    ['company', state.company],
    ['tags', tags],
    ['initial_source', state.initial_source],
    ['initial_source_detail', state.initial_source_detail],
    ['campaign', state.campaign],
    ['identities', Object.entries(state.identities).sort(byFirst)],
    ['attributes', Object.entries(state.attributes).sort(byFirst)],
  ]);
}

/** Lower-case hex SHA-256 of `canonicalContactForm(state)`. */
export function contactContentHash(state: ContactState): string {
  return createHash('sha256').update(canonicalContactForm(state), 'utf8').digest('hex');
}
