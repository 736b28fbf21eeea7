/**
 * The contact's canonical form and its SHA-256: what the change log records after every change, so
 * an exporter or a sync connection can tell "changed" from "written again with the same values"
 * without comparing field by field. Defined once here; docs/ARCHITECTURE.md repeats the definition.
 *
 * The canonical form is the JSON text of an array of the values in this fixed order (names implied
 * by the position; a field added later is appended at the end):
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

/** Most contacts hold zero or one identity: no sort needed then. */
function sortedEntries(record: Record<string, unknown>): [string, unknown][] {
  const entries = Object.entries(record);
  return entries.length < 2 ? entries : entries.sort(byFirst);
}

export function canonicalContactForm(state: ContactState): string {
  const tags =
    state.tags.length < 2
      ? state.tags
      : state.tags
          .map((t) => [t.toLowerCase(), t] as [string, string])
          .sort(byFirst)
          .map(([, t]) => t);
  return JSON.stringify([
    state.name,
    state.first_name,
    state.last_name,
    state.email,
    state.additional_emails,
    state.phone,
    state.additional_phones,
    state.gender,
    state.birthday,
    state.country,
    state.province,
    state.city,
    state.address,
    state.postcode,
    state.company,
    tags,
    state.initial_source,
    state.initial_source_detail,
    state.campaign,
    sortedEntries(state.identities),
    sortedEntries(state.attributes),
  ]);
}

/** Lower-case hex SHA-256 of `canonicalContactForm(state)`. */
export function contactContentHash(state: ContactState): string {
  return createHash('sha256').update(canonicalContactForm(state), 'utf8').digest('hex');
}
