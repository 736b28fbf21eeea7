/**
 * Request and response shapes for the OpenAPI document and first-line validation. Field-level rules
 * (phone formats, attribute types, uniqueness) live in the domain so the CLI and imports share them;
 * here bodies are only checked for shape.
 */
import { z } from 'zod';
import { ID_PREFIXES, type IdKind, isIdOf } from '../domain/ids.js';

const nullableText = z.string().nullable().optional();
const stringList = z.union([z.array(z.string()), z.string()]).optional();

export const ContactInputSchema = z
  .looseObject({
    name: nullableText,
    first_name: nullableText,
    last_name: nullableText,
    email: nullableText.describe('Primary email; lower-cased and validated.'),
    additional_emails: stringList,
    phone: nullableText.describe(
      'Primary phone in any common format; stored as E.164 (default region KITH_DEFAULT_REGION).',
    ),
    additional_phones: stringList,
    gender: nullableText.describe('male, female or other (男/女 accepted).'),
    birthday: nullableText.describe('ISO date YYYY-MM-DD, not in the future and not before 1850-01-01.'),
    country: nullableText,
    province: nullableText,
    city: nullableText,
    address: nullableText,
    postcode: nullableText,
    company: nullableText,
    tags: stringList,
    initial_source: nullableText,
    initial_source_detail: nullableText,
    campaign: nullableText,
    external_id: nullableText.describe('Shorthand for identities.external_id.'),
    identities: z.record(z.string(), z.string().nullable()).optional(),
    attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  })
  .describe('Contact fields to set; unknown or system fields are refused with a 400 naming them.');

export const ContactSchema = z
  .object({
    id: z.string().describe('Kith id, prefixed ct_'),
    name: z.string().nullable(),
    first_name: z.string().nullable(),
    last_name: z.string().nullable(),
    email: z.string().nullable(),
    additional_emails: z.array(z.string()),
    phone: z.string().nullable(),
    additional_phones: z.array(z.string()),
    gender: z.enum(['male', 'female', 'other']).nullable(),
    birthday: z.string().nullable(),
    country: z.string().nullable(),
    province: z.string().nullable(),
    city: z.string().nullable(),
    address: z.string().nullable(),
    postcode: z.string().nullable(),
    company: z.string().nullable(),
    tags: z.array(z.string()),
    initial_source: z.string().nullable(),
    initial_source_detail: z.string().nullable(),
    campaign: z.string().nullable(),
    identities: z.record(z.string(), z.string()),
    attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Contact' });

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z
        .unknown()
        .optional()
        .describe(
          'For validation_failed: the refused field (or a list of them), each `{field, value, reason}`. `field` names a field inside the input with its keys joined by dots and a list’s positions in brackets: `actions[0].to[1]`, `conditions.all[2].value`, `options.tags[0]`, `identities.wechat_openid`.',
        ),
    }),
  })
  .meta({ id: 'Error' });

export const IdParams = z.object({ id: z.string() });

export const FieldChangeSchema = z.object({ field: z.string(), old: z.unknown(), new: z.unknown() });

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    entity_type: z.string(),
    entity_id: z.string(),
    action: z.string(),
    changes: z.array(FieldChangeSchema),
    actor_id: z.string().nullable(),
    channel: z.string(),
    channel_ref: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'AuditEntry' });

export const ContactEventSchema = z
  .object({
    id: z.string(),
    contact_id: z.string(),
    type: z.string(),
    occurred_at: z.string(),
    actor_id: z.string().nullable(),
    channel: z.string(),
    channel_ref: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'ContactEvent' });

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(['admin', 'agent']),
    disabled: z.boolean(),
    language: z
      .enum(['en', 'zh'])
      .nullable()
      .describe("The web app's language chosen by the user; null follows the browser."),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'User' });

/**
 * A whole number in a query string (`?limit=50`), refused in words when it is not one: not
 * "expected number, received NaN" for `?limit=abc`, nor "expected int to be <=9007199254740991".
 */
export function wholeNumberParam(min: number, max: number) {
  const error = `must be a whole number from ${min} to ${max}`;
  // Digits only: Number() would also read "0x10" as 16, "1e3" as 1000 and " " as 0.
  return z.preprocess(
    (value) => (typeof value === 'string' && !/^\d+$/.test(value) ? Number.NaN : value),
    z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }),
  );
}

/**
 * A page's `before`: the id of the last entry of the page before (empty reads as none). Compared as
 * text, any other word paged silently: `before=abc` answered an empty page, `before=zzz` the first one.
 */
export function beforeIdParam(kind: IdKind, entries: string) {
  const prefix = `${ID_PREFIXES[kind]}_`;
  return z
    .string()
    .refine((value) => value === '' || isIdOf(kind, value), {
      error: `is not the id of one of ${entries} (${prefix}…): pass the last entry's id of the page before`,
    })
    .optional()
    .describe(
      `Return entries older than this one: the id (${prefix}…) of the last entry of the page before.`,
    );
}

/** The page of a contact's timeline (its events) or history (its audit entries). */
export function pageQuery(kind: 'event' | 'audit', entries: string) {
  return z.object({ before: beforeIdParam(kind, entries), limit: wholeNumberParam(1, 500).optional() });
}

/** Standard error responses every authenticated route can give. */
export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
};

/** The customers list's filters: the list, bulk actions and batch delete select the same way. */
export const ContactFilterFields = {
  q: z
    .string()
    .optional()
    .describe(
      "Search: an e-mail (whole, or its beginning up to the @), a phone in any writing or its last 4+ digits, an identity value, or a name fragment (Latin or Chinese; one or two characters match a name's beginning or end). Best matches first: exact e-mail, phone, identity or whole name, then e-mail beginnings and phone endings, then other name matches.",
    ),
  tag: z.string().optional().describe('Tag name (any case).'),
  group: z.string().optional().describe('Group id.'),
  import: z.string().optional().describe('Import id: contacts that import created, updated or matched.'),
  initial_source: z.string().optional().describe('Exact initial source.'),
  created_since: z.string().optional().describe('ISO-8601 date or timestamp, inclusive.'),
  created_before: z.string().optional().describe('ISO-8601 date or timestamp, exclusive.'),
  updated_since: z.string().optional().describe('ISO-8601 date or timestamp, inclusive.'),
  updated_before: z.string().optional().describe('ISO-8601 date or timestamp, exclusive.'),
  min_orders: z.string().optional().describe('Purchase facts: at least this many orders (whole number).'),
  max_orders: z.string().optional().describe('Purchase facts: at most this many orders (0: never bought).'),
  min_total_spent: z
    .string()
    .optional()
    .describe('Purchase facts: spent at least this much (decimal, e.g. 100.50).'),
  max_total_spent: z.string().optional().describe('Purchase facts: spent at most this much (decimal).'),
  last_order_since: z.string().optional().describe('Purchase facts: last order at or after (ISO-8601).'),
  last_order_before: z.string().optional().describe('Purchase facts: last order before (ISO-8601).'),
};

/**
 * A query string of the customers list's filters and `shape`'s own parameters, plus `attr.<key>`
 * attribute filters (hence loose): any other parameter is refused by name, so that a misspelt filter
 * (`tags=`, `Tag=`) never answers — or exports, or deletes — every contact as if it were not there.
 */
export function contactListQuery<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = new Set(Object.keys(shape));
  return z.looseObject(shape).superRefine((query, ctx) => {
    for (const [key, value] of Object.entries(query))
      if (!known.has(key) && !key.startsWith('attr.'))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `is not a parameter here; the parameters are ${[...known].join(', ')} and attr.<key>`,
        });
      // An attribute filter given twice (`attr.tier=a&attr.tier=b`) came as a list and was dropped:
      // the list answered, and the export wrote, every contact.
      else if (key.startsWith('attr.') && Array.isArray(value))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `is given ${value.length} times; give it once`,
        });
  });
}

export const ContactFilterSchema = z
  .object({
    ...ContactFilterFields,
    ids: z.array(z.string()).max(1000).optional(),
    attributes: z.record(z.string(), z.string()).optional().describe('Custom attribute key → value.'),
  })
  .strict();
