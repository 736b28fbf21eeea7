/**
 * A contact as a vCard and back (pure), for the CardDAV connector. vCard 3.0 and 4.0 are read and
 * written with ical.js (a maintained parser: no hand-written vCard parsing). The mapping:
 *
 *   FN ↔ name · N ↔ last_name;first_name · EMAIL (all; the preferred first) ↔ email + additional_emails
 *   TEL (all, `tel:` URIs too) ↔ phone + additional_phones (E.164 once Kith normalises them)
 *   ORG ↔ company · ADR (the preferred) ↔ address, city, province, postcode, country
 *   BDAY (with a year) ↔ birthday · GENDER (4.0) M/F/O ↔ male/female/other
 *   CATEGORIES ↔ tags · UID ↔ identity `carddav_uid`
 *
 * Writing back over the card the server holds replaces only these properties: everything else on the
 * card (NOTE, PHOTO, X-… properties, other ADRs' types) stays exactly as it was.
 */
import ICAL from 'ical.js';
import type { ContactState } from '../../domain/contact/contact-fields.js';

export const CARDDAV_UID_IDENTITY = 'carddav_uid';

/** The properties this mapping owns; the rest of a card is kept untouched. */
const MAPPED = ['fn', 'n', 'email', 'tel', 'org', 'adr', 'bday', 'gender', 'categories', 'uid'] as const;

type Property = InstanceType<typeof ICAL.Property>;

const GENDER_FROM_CARD: Record<string, string> = { m: 'male', f: 'female', o: 'other' };
const GENDER_TO_CARD: Record<string, string> = { male: 'M', female: 'F', other: 'O' };

function isPreferred(p: Property): boolean {
  const type = p.getParameter('type');
  const types = (Array.isArray(type) ? type : [type]).filter((t): t is string => typeof t === 'string');
  return types.some((t) => t.toLowerCase() === 'pref') || String(p.getParameter('pref') ?? '') === '1';
}

/** Values of a repeated property, the preferred one first, otherwise in the card's order. */
function ordered(props: Property[]): Property[] {
  return [...props.filter(isPreferred), ...props.filter((p) => !isPreferred(p))];
}

const text = (value: unknown): string | null => {
  const s =
    typeof value === 'string' ? value.trim() : value === null || value === undefined ? '' : String(value);
  return s === '' ? null : s;
};

/** The card as contact input (every mapped field present, null when the card has none), and its UID. */
export function vcardToContactInput(card: string): { uid: string | null; input: Record<string, unknown> } {
  const vcard = new ICAL.Component(ICAL.parse(card) as unknown[]);
  const first = (name: string) => vcard.getFirstPropertyValue(name) as unknown;
  const emails = ordered(vcard.getAllProperties('email'))
    .map((p) => text(p.getFirstValue()))
    .filter((v): v is string => v !== null);
  const phones = ordered(vcard.getAllProperties('tel'))
    .map((p) => text(String(p.getFirstValue() ?? '').replace(/^tel:/i, '')))
    .filter((v): v is string => v !== null);
  const n = (first('n') as string[] | null) ?? [];
  const org = first('org');
  const adr = (ordered(vcard.getAllProperties('adr'))[0]?.getFirstValue() as string[] | undefined) ?? [];
  const bday = first('bday') as { year?: number | null; month?: number; day?: number } | string | null;
  let birthday: string | null = null;
  if (bday && typeof bday === 'object' && bday.year && bday.month && bday.day)
    birthday = `${String(bday.year).padStart(4, '0')}-${String(bday.month).padStart(2, '0')}-${String(bday.day).padStart(2, '0')}`;
  const gender = text(first('gender') ?? first('x-gender'));
  const tags = vcard
    .getAllProperties('categories')
    .flatMap((p) => p.getValues() as unknown[])
    .map(text)
    .filter((v): v is string => v !== null);
  const uid = text(first('uid'));
  return {
    uid,
    input: {
      name: text(first('fn')),
      last_name: text(n[0]),
      first_name: text(n[1]),
      email: emails[0] ?? null,
      additional_emails: emails.slice(1),
      phone: phones[0] ?? null,
      additional_phones: phones.slice(1),
      company: text(Array.isArray(org) ? org[0] : org),
      address: text(adr[2]),
      city: text(adr[3]),
      province: text(adr[4]),
      postcode: text(adr[5]),
      country: text(adr[6]),
      birthday,
      gender: gender ? (GENDER_FROM_CARD[gender.toLowerCase()[0] ?? ''] ?? null) : null,
      tags,
      ...(uid ? { identities: { [CARDDAV_UID_IDENTITY]: uid } } : {}),
    },
  };
}

/**
 * The contact as a card: over `previous` (the card the server holds) when there is one, replacing the
 * mapped properties only and keeping its version; a new vCard 4.0 otherwise.
 */
export function contactToVcard(contact: ContactState, uid: string, previous?: string): string {
  const vcard = previous
    ? new ICAL.Component(ICAL.parse(previous) as unknown[])
    : new ICAL.Component('vcard');
  if (!previous) vcard.addPropertyWithValue('version', '4.0');
  const v4 = String(vcard.getFirstPropertyValue('version') ?? '4.0').startsWith('4');
  for (const name of MAPPED) vcard.removeAllProperties(name);
  const add = (name: string, value: unknown, params: Record<string, string> = {}) => {
    const p = new ICAL.Property(name, vcard);
    for (const [key, v] of Object.entries(params)) p.setParameter(key, v);
    p.setValue(value as string);
    vcard.addProperty(p);
    return p;
  };
  const fn =
    contact.name ??
    ([contact.first_name, contact.last_name].filter(Boolean).join(' ') ||
      contact.email ||
      contact.phone ||
      '');
  add('fn', fn);
  if (contact.first_name || contact.last_name)
    add('n', [contact.last_name ?? '', contact.first_name ?? '', '', '', '']);
  const preferred: Record<string, string> = v4 ? { pref: '1' } : { type: 'pref' };
  if (contact.email) add('email', contact.email, preferred);
  for (const e of contact.additional_emails) add('email', e);
  const phones = [contact.phone, ...contact.additional_phones].filter((p): p is string => p !== null);
  phones.forEach((phone, i) => {
    const params = i === 0 && contact.phone ? preferred : {};
    if (v4) {
      const p = add('tel', `tel:${phone}`, params);
      p.resetType('uri');
      p.setValue(`tel:${phone}`);
    } else add('tel', phone, params);
  });
  if (contact.company) add('org', contact.company);
  if (contact.address || contact.city || contact.province || contact.postcode || contact.country)
    add('adr', [
      '',
      '',
      contact.address ?? '',
      contact.city ?? '',
      contact.province ?? '',
      contact.postcode ?? '',
      contact.country ?? '',
    ]);
  if (contact.birthday) {
    const p = new ICAL.Property('bday', vcard);
    p.resetType('date');
    p.setValue(ICAL.VCardTime.fromDateAndOrTimeString(contact.birthday, 'date'));
    vcard.addProperty(p);
  }
  if (contact.gender && v4 && GENDER_TO_CARD[contact.gender]) add('gender', GENDER_TO_CARD[contact.gender]);
  if (contact.tags.length > 0) {
    const p = new ICAL.Property('categories', vcard);
    p.setValues(contact.tags);
    vcard.addProperty(p);
  }
  add('uid', uid);
  return vcard.toString();
}
