/**
 * The customer record's wire contract (see BRIEF.md): snake_case keys used by JSON, CSV headers and
 * mapping targets alike.
 */
import type { Gender } from '../normalize/gender.js';

/** Plain text fields stored as columns of `contacts`. */
export const TEXT_FIELDS = [
  'name',
  'first_name',
  'last_name',
  'country',
  'province',
  'city',
  'address',
  'postcode',
  'company',
  'initial_source',
  'initial_source_detail',
  'campaign',
] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** Every scalar column of `contacts` a user may write. */
export const SCALAR_FIELDS = [...TEXT_FIELDS, 'gender', 'birthday'] as const;
export type ScalarField = (typeof SCALAR_FIELDS)[number];

/** Written by Kith only; a user supplying them gets a clear refusal instead of a silent ignore. */
export const SYSTEM_FIELDS = [
  'id',
  'created_at',
  'updated_at',
  'deleted_at',
  'created_by',
  'updated_by',
] as const;

export const BUILTIN_IDENTITY_TYPE = 'external_id';

export type AttributeValue = string | number | boolean;

/** Everything a contact holds except what Kith writes itself. */
export interface ContactState {
  name: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  additional_emails: string[];
  phone: string | null;
  additional_phones: string[];
  gender: Gender | null;
  birthday: string | null;
  country: string | null;
  province: string | null;
  city: string | null;
  address: string | null;
  postcode: string | null;
  company: string | null;
  tags: string[];
  initial_source: string | null;
  initial_source_detail: string | null;
  campaign: string | null;
  identities: Record<string, string>;
  attributes: Record<string, AttributeValue>;
}

/** The JSON shape of a contact everywhere it leaves Kith. */
export interface Contact extends ContactState {
  id: string;
  created_at: string;
  updated_at: string;
}

/**
 * A contact's keys in the one order every reader sees them in: the API's schema
 * (src/server/schemas.ts), the change feed's JSON, the export's columns and the automation
 * conditions' fields follow it.
 */
export const CONTACT_KEYS = [
  'id',
  'name',
  'first_name',
  'last_name',
  'email',
  'additional_emails',
  'phone',
  'additional_phones',
  'gender',
  'birthday',
  'country',
  'province',
  'city',
  'address',
  'postcode',
  'company',
  'tags',
  'initial_source',
  'initial_source_detail',
  'campaign',
  'identities',
  'attributes',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof Contact)[];
// A key added to Contact and not to the list above fails to compile here.
const everyKeyListed: Exclude<keyof Contact, (typeof CONTACT_KEYS)[number]> extends never ? true : never =
  true;
void everyKeyListed;

/**
 * The customer's purchase facts (src/orders): read with a contact, computed from its orders, never
 * written as contact fields (an import skips them; an export writes them when the store has orders).
 */
export const PURCHASE_FACT_KEYS = ['orders_count', 'total_spent', 'first_order_at', 'last_order_at'] as const;

export function emptyContactState(): ContactState {
  return {
    name: null,
    first_name: null,
    last_name: null,
    email: null,
    additional_emails: [],
    phone: null,
    additional_phones: [],
    gender: null,
    birthday: null,
    country: null,
    province: null,
    city: null,
    address: null,
    postcode: null,
    company: null,
    tags: [],
    initial_source: null,
    initial_source_detail: null,
    campaign: null,
    identities: {},
    attributes: {},
  };
}
