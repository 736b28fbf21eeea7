import type { Contact } from '../../api/client';
import { formatPhone } from '../../ui/phone-format';

/** What a person calls this customer: the name, else the parts, else the first way to reach them. */
export function displayName(
  contact: Pick<Contact, 'name' | 'first_name' | 'last_name' | 'email' | 'phone' | 'id'>,
): string {
  const parts = [contact.first_name, contact.last_name].filter(Boolean).join(' ');
  return contact.name || parts || contact.email || formatPhone(contact.phone) || contact.id;
}

/** A translated label when the key exists, else the raw name (custom fields, future event types). */
export function labelOr(
  t: (key: string) => string,
  exists: (key: string) => boolean,
  key: string,
  raw: string,
) {
  return exists(key) ? t(key) : raw;
}
