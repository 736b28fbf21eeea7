/**
 * Stage 2 of the import pipeline: map. Suggests a target for each column, checks a mapping a user gave,
 * and turns one record's cells into contact input. Pure: the identity types and attribute definitions
 * it needs are passed in.
 */
import { CONTACT_FIELD_NAMES } from '../../domain/contact/contact-field-names.js';
import { PURCHASE_FACT_KEYS, SCALAR_FIELDS, SYSTEM_FIELDS } from '../../domain/contact/contact-fields.js';
import { ValidationError } from '../../domain/errors.js';
import { isIdOf } from '../../domain/ids.js';
import { unprotectCell } from '../../domain/csv-cell-safety.js';
import { reportKindOf } from '../report/report-columns.js';
import { readWrittenDate } from '../../domain/normalize/date.js';
import { phoneNumbersIn } from '../../domain/normalize/phone.js';
import { headerKey, isAddressLine2Header, targetForHeader } from './header-synonyms.js';
import { WELL_KNOWN_IDENTITIES, wellKnownIdentity } from './well-known-identities.js';

export const IGNORE = 'ignore';
/**
 * A second address line (Shopify's `Default Address Address2`, Google's `Address 1 - Street 2`): not a
 * field of its own but the rest of the address, appended to the address column's value (", "). A target
 * of the mapping like any other, so the wizard shows it and a user can map the column to ignore instead.
 */
export const ADDRESS_LINE_2 = 'address_line_2';
/** Targets that take several columns (their values are combined). */
export const MULTI_COLUMN_TARGETS: ReadonlySet<string> = new Set([
  'tags',
  'additional_emails',
  'additional_phones',
  ADDRESS_LINE_2,
  IGNORE,
]);
const LIST_TARGETS = new Set(['tags', 'additional_emails', 'additional_phones']);
const ADDITIONAL_OF: Record<string, string> = { phone: 'additional_phones', email: 'additional_emails' };
const DATE_TARGETS = new Set(['birthday']);
const STANDARD_TARGETS = new Set<string>(['id', ...SCALAR_FIELDS, 'email', 'phone', ...LIST_TARGETS]);
const OWNER_FIELDS = new Set(['owner', 'owner_id', 'assignee', 'created_by', 'updated_by']);
/** Written by Kith (or computed from orders): a column of Kith's own export that an import skips. */
const KITH_WRITTEN = new Set<string>([...SYSTEM_FIELDS, ...PURCHASE_FACT_KEYS]);

/**
 * The web app's name of each field, in English and Chinese (a Kith export written for people has them as
 * its header), folded as headers are → the field's key.
 */
const FIELD_BY_NAME = new Map(
  Object.values(CONTACT_FIELD_NAMES).flatMap((names) =>
    Object.entries(names).map(([key, name]) => [headerKey(name), key.replace(/_/g, ' ')] as const),
  ),
);

export interface MappingContext {
  identityTypes: ReadonlySet<string>;
  /** Attribute key → type. */
  attributeTypes: ReadonlyMap<string, string>;
  /** `--create-attributes`: unknown `attr.<key>` targets become new text attributes. */
  createAttributes: boolean;
  /**
   * Identity types' and attributes' labels, folded as headers are → target (`identity.<type>`,
   * `attr.<key>`): a column named by a label maps to it, before any synonym.
   */
  labelTargets?: ReadonlyMap<string, string>;
  /** A Zendesk user export (`isZendeskUserHeader`): its tags cell is split on spaces. */
  tagsOnSpaces?: boolean;
}

/**
 * Zendesk's user CSV (its export, and the bulk-import format other tools write for it): `name, email,
 * external_id, details, notes, phone, role, restriction, organization, tags`, its tags apart by spaces in
 * one cell (a Zendesk tag holds no space). Recognised by `restriction` and `role` — which no other
 * export names so — with `details` or `notes` beside a tags column.
 */
export function isZendeskUserHeader(header: string[]): boolean {
  const keys = new Set(header.map(headerKey));
  return (
    keys.has('tags') &&
    keys.has('restriction') &&
    keys.has('role') &&
    (keys.has('details') || keys.has('notes'))
  );
}

/**
 * `MappingContext.labelTargets` from the defined identity types and attributes: each label (folded as
 * headers are) → its target. A label two of them share names neither: the column is left to the user.
 */
export function labelTargets(
  identityTypes: readonly { key: string; label: string | null }[],
  attributes: readonly { key: string; label: string | null }[],
): Map<string, string> {
  const targets = new Map<string, string | null>();
  const add = (label: string | null, target: string) => {
    const folded = label ? headerKey(label) : '';
    if (folded === '') return;
    targets.set(folded, targets.has(folded) && targets.get(folded) !== target ? null : target);
  };
  for (const t of identityTypes) add(t.label, `identity.${t.key}`);
  for (const a of attributes) add(a.label, `attr.${a.key}`);
  return new Map([...targets].filter((e): e is [string, string] => e[1] !== null));
}

/**
 * A cell holding a Chinese region path as 有赞 and 微盟 export 所在地区: `浙江省 杭州市 西湖区`,
 * `北京市 北京市 朝阳区`, `上海市 浦东新区` — province, city, then district, each all Han and apart by
 * spaces (or `/`); null for any other province value (`California`, `New York`, `浙江省`).
 */
export function regionPath(value: string): { province: string; city?: string; district?: string } | null {
  const parts = value
    .normalize('NFKC')
    .split(/[\s/]+/u)
    .filter((p) => p !== '');
  if (parts.length < 2 || parts.length > 4 || !parts.every((p) => /^\p{Script=Han}+$/u.test(p))) return null;
  const [province, ...rest] = parts as [string, ...string[]];
  // A municipality's city is itself when the cell goes straight on to its district (上海市 浦东新区).
  const municipality = /^(北京|上海|天津|重庆)市?$/u.test(province);
  const [city, ...districts] =
    municipality && !/^(北京|上海|天津|重庆)市?$/u.test(rest[0]!) ? [province, ...rest] : rest;
  return { province, city, ...(districts.length > 0 ? { district: districts.join('') } : {}) };
}

/** The address with the district in front, as Chinese addresses write it (西湖区文三路 90 号). */
function withDistrict(district: string, address: unknown): string {
  if (typeof address !== 'string' || address === '') return district;
  if (address.includes(district)) return address;
  return /^\p{Script=Han}/u.test(address) ? `${district}${address}` : `${district} ${address}`;
}

export interface ColumnSuggestion {
  column: string;
  index: number;
  target: string | null;
  confidence: 'exact' | 'synonym' | 'none';
  warning?: string;
}

/** Column index → target, after validation. */
export type ResolvedMapping = Map<number, string>;

/** Well-known identity types a mapping uses that are not defined yet: the import creates them. */
export function identityTypesToCreate(mapping: ResolvedMapping, defined: ReadonlySet<string>): string[] {
  const keys = new Set<string>();
  for (const target of mapping.values()) {
    const type = target.startsWith('identity.') ? target.slice('identity.'.length) : null;
    if (type && !defined.has(type) && wellKnownIdentity(type)) keys.add(type);
  }
  return [...keys];
}

/** Header names made unique (`Phone`, `Phone (2)`) so a mapping can name each column. */
export function uniqueHeader(header: string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((h, i) => {
    const name = h.trim() || `column ${i + 1}`;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} (${n})`;
  });
}

export function suggestMapping(
  header: string[],
  sampleRows: string[][],
  ctx: MappingContext,
): ColumnSuggestion[] {
  const columns = uniqueHeader(header);
  const report = reportKindOf(header);
  const used = new Set<string>();
  const suggestions = columns.map((column, index): ColumnSuggestion => {
    const folded = headerKey(column);
    // A field's name as the web app (and an export for people) writes it reads as its key, also with the
    // zone an export adds to a moment's column (创建时间 (Asia/Shanghai)).
    const key =
      FIELD_BY_NAME.get(folded) ??
      FIELD_BY_NAME.get(folded.replace(/\s*[(（][^()（）]*[)）]$/u, '')) ??
      folded;
    const suggestion = (
      target: string | null,
      confidence: ColumnSuggestion['confidence'],
      warning?: string,
    ): ColumnSuggestion => {
      if (target && !MULTI_COLUMN_TARGETS.has(target)) {
        // A second phone or email column (Salesforce's Phone and Mobile, HubSpot's Phone Number and
        // Mobile Phone Number) is kept as an additional one rather than left out.
        const additional = used.has(target) ? ADDITIONAL_OF[target] : undefined;
        if (additional) return { column, index, target: additional, confidence };
        if (used.has(target)) {
          return {
            column,
            index,
            target: null,
            confidence: 'none',
            warning: `${target} is already mapped from another column`,
          };
        }
        used.add(target);
      }
      return warning ? { column, index, target, confidence, warning } : { column, index, target, confidence };
    };
    // A report file's last column, as the server names it or as the web app does for a Chinese reader.
    if (report && index === header.length - 1) {
      return suggestion(
        IGNORE,
        'exact',
        report === 'failures'
          ? 'the error column of a failure file is ignored'
          : 'the warning column of a warnings file is ignored',
      );
    }
    if (key === 'id') {
      const values = sampleRows.map((r) => (r[index] ?? '').trim()).filter((v) => v !== '');
      if (values.length > 0 && values.every((v) => isIdOf('contact', v))) return suggestion('id', 'exact');
      return suggestion(
        null,
        'none',
        'values of "id" are not Kith ids (ct_…); map the column to identity.external_id if they are ids from another system',
      );
    }
    if (KITH_WRITTEN.has(key.replace(/ /g, '_'))) {
      const fact = (PURCHASE_FACT_KEYS as readonly string[]).includes(key.replace(/ /g, '_'));
      return suggestion(
        null,
        'none',
        fact
          ? `${column} is counted by Kith from the customer's orders and is not imported`
          : `${column} is written by Kith and is not imported`,
      );
    }
    if (STANDARD_TARGETS.has(key.replace(/ /g, '_')) && key.replace(/ /g, '_') !== 'id') {
      return suggestion(key.replace(/ /g, '_'), 'exact');
    }
    const prefixed = /^(identity|attr)\.(.+)$/.exec(column.trim());
    if (prefixed) {
      const problem = checkTarget(column.trim(), ctx);
      return problem ? suggestion(null, 'none', problem) : suggestion(column.trim(), 'exact');
    }
    const asKey = key.replace(/[ -]/g, '_');
    if (ctx.identityTypes.has(asKey)) return suggestion(`identity.${asKey}`, 'exact');
    if (ctx.attributeTypes.has(asKey)) return suggestion(`attr.${asKey}`, 'exact');
    const labelled = ctx.labelTargets?.get(folded);
    if (labelled) return suggestion(labelled, 'exact');
    if (isAddressLine2Header(column)) return suggestion(ADDRESS_LINE_2, 'synonym');
    const synonym = targetForHeader(column);
    if (synonym) return suggestion(synonym, 'synonym');
    return suggestion(null, 'none');
  });
  // A second address line is suggested only where a column is suggested as the address it continues.
  if (suggestions.some((s) => s.target === 'address')) return suggestions;
  return suggestions.map((s) =>
    s.target === ADDRESS_LINE_2 ? { column: s.column, index: s.index, target: null, confidence: 'none' } : s,
  );
}

/** Why a target cannot be written, or null when it can. */
export function checkTarget(target: string, ctx: MappingContext): string | null {
  if (target === IGNORE || target === ADDRESS_LINE_2 || STANDARD_TARGETS.has(target)) return null;
  if (KITH_WRITTEN.has(target) || OWNER_FIELDS.has(target)) {
    return `${target} is written by Kith and cannot be imported`;
  }
  if (target.startsWith('identity.')) {
    const type = target.slice('identity.'.length);
    // A well-known type (wechat_openid, alipay …) is created by the import that first uses it.
    return ctx.identityTypes.has(type) || wellKnownIdentity(type)
      ? null
      : `identity type ${JSON.stringify(type)} is not defined; an admin defines it first (or map to a well-known type: ${WELL_KNOWN_IDENTITIES.map((w) => w.key).join(', ')})`;
  }
  if (target.startsWith('attr.')) {
    const key = target.slice('attr.'.length);
    if (ctx.attributeTypes.has(key)) return null;
    if (ctx.createAttributes)
      return /^[a-z][a-z0-9_]{0,62}$/.test(key)
        ? null
        : `attribute key ${JSON.stringify(key)} must be lower-case letters, digits and _`;
    return `attribute ${JSON.stringify(key)} is not defined; define it or pass --create-attributes`;
  }
  if (target === 'external_id') return null;
  return `${target} is not a contact field (use a standard field, ${ADDRESS_LINE_2}, identity.<type>, attr.<key>, tags or ignore)`;
}

/**
 * Checks a user's mapping (column name → target) against the header, falling back to suggestions for
 * columns it does not name. Every problem is reported at once.
 */
export function resolveMapping(
  header: string[],
  explicit: Record<string, string>,
  suggestions: ColumnSuggestion[],
  ctx: MappingContext,
): ResolvedMapping {
  const columns = uniqueHeader(header);
  const errors: ValidationError[] = [];
  for (const column of Object.keys(explicit)) {
    if (!columns.includes(column)) {
      errors.push(
        new ValidationError(
          `mapping.${column}`,
          explicit[column],
          `the file has no column ${JSON.stringify(column)} (columns: ${columns.join(', ')})`,
        ),
      );
    }
  }
  const resolved: ResolvedMapping = new Map();
  const byTarget = new Map<string, string>();
  columns.forEach((column, index) => {
    let target = explicit[column] ?? suggestions[index]?.target ?? null;
    if (target === null || target === IGNORE) return;
    if (target === 'external_id') target = 'identity.external_id';
    const problem = checkTarget(target, ctx);
    if (problem) {
      errors.push(new ValidationError(`mapping.${column}`, target, problem));
      return;
    }
    const previous = byTarget.get(target);
    if (previous !== undefined && !MULTI_COLUMN_TARGETS.has(target)) {
      errors.push(
        new ValidationError(
          `mapping.${column}`,
          target,
          `is already the target of column ${JSON.stringify(previous)}`,
        ),
      );
      return;
    }
    byTarget.set(target, column);
    resolved.set(index, target);
  });
  if (errors.length > 0) throw new MappingError(errors);
  // A suggested second address line goes with the address: when the user's mapping takes the address
  // away (ignored, or the column mapped elsewhere), the line is not imported either. One the user maps
  // themselves is kept, and is the address on its own.
  if (![...resolved.values()].includes('address')) {
    for (const [index, target] of resolved)
      if (target === ADDRESS_LINE_2 && explicit[columns[index]!] === undefined) resolved.delete(index);
  }
  const targets = new Set(resolved.values());
  if (
    !['id', 'email', 'phone'].some((t) => targets.has(t)) &&
    ![...targets].some((t) => t.startsWith('identity.'))
  ) {
    throw new MappingError([
      new ValidationError(
        'mapping',
        Object.fromEntries([...resolved].map(([i, t]) => [columns[i], t])),
        'no column is mapped to id, an identity, phone or email, so no row could be matched or created',
      ),
    ]);
  }
  return resolved;
}

export class MappingError extends Error {
  constructor(readonly errors: ValidationError[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** Excel stores dates as days since 1899-12-30; a bare serial in a date column becomes an ISO date. */
export function excelSerialToIsoDate(value: string): string | null {
  if (!/^\d{5}(\.\d+)?$/.test(value)) return null;
  const serial = Number(value);
  if (serial < 1 || serial > 2958465) return null;
  return new Date(EXCEL_EPOCH_MS + Math.floor(serial) * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Shopify's customer export writes `'7012345678901`, `'02108`: the apostrophe tells Excel "text" (so
 * a long id keeps its digits and a postcode its zero) and is not part of the value.
 */
function withoutTextMarker(value: string): string {
  return /^'\d/.test(value) ? value.slice(1) : value;
}

/**
 * A date attribute's cell as an ISO date when it is an Excel serial or a date written another
 * unambiguous way (`05.03.1990`, `Mar 5, 1990`); as it came otherwise, for validation to name.
 */
function dateCell(value: string): string {
  try {
    return excelSerialToIsoDate(value) ?? readWrittenDate(value) ?? value;
  } catch {
    return value;
  }
}

export interface MappedRow {
  /** Kith id given in the row, if any. */
  id: string | null;
  /** Input in the API's shape for normalizeContactInput; empty cells are left out (they never clear). */
  input: Record<string, unknown>;
  /** Why the record is no customer's row at all (a report's footer line), when it is not. */
  notARow?: string;
}

/**
 * A line of one cell, holding words, in a file whose mapped columns go past the first: not a
 * customer with only that value but a line a report writes under its table — Salesforce's
 * "Copyright (c) 2000-2024 salesforce.com, inc.", "Confidential Information - Do Not Distribute",
 * "Generated By: …" and the organisation's name — which had become contacts whose external id was
 * the copyright notice. (A customer known by one value alone is a line like `o6_x,,,` with its other
 * columns empty, or a value without spaces.)
 */
function footerLine(cells: string[], mapping: ResolvedMapping): string | undefined {
  if (![...mapping.keys()].some((i) => i > 0)) return undefined;
  if (cells.length !== 1 && !paddedFooterLine(cells, mapping)) return undefined;
  const value = cells[0]!.trim();
  if (!/\s/.test(value)) return undefined;
  return `the line holds one cell and none of the other columns, as the lines a report adds under its table do (Salesforce's Copyright, Generated By), so it is not read as a customer (got ${JSON.stringify(value)})`;
}

/** The words Salesforce's report footer lines start with. */
const REPORT_FOOTER = /^(?:copyright\b|©|\(c\) |confidential information\b|generated by:)/i;

/**
 * A report's footer line padded with empty cells: the same line of the failure file, imported again
 * (its error column, ignored, still says so), or of a report a spreadsheet saved, which writes every
 * line as wide as the table. Only the first cell holds anything among the mapped columns, and it is
 * either a footer's words or the line the failure file's reason called one: `CRM 42,,,` stays a
 * customer known by one value.
 */
function paddedFooterLine(cells: string[], mapping: ResolvedMapping): boolean {
  const first = (cells[0] ?? '').trim();
  if (first === '' || ![...mapping.keys()].every((i) => i === 0 || (cells[i] ?? '').trim() === ''))
    return false;
  if (REPORT_FOOTER.test(first)) return true;
  return cells.some(
    (cell, i) =>
      !mapping.has(i) && /^(?:row \d+: )?the line holds one cell and none of the other columns, /.test(cell),
  );
}

export function mapRecord(cells: string[], mapping: ResolvedMapping, ctx: MappingContext): MappedRow {
  const notARow = footerLine(cells, mapping);
  if (notARow) return { id: null, input: {}, notARow };
  const input: Record<string, unknown> = {};
  let id: string | null = null;
  const lines: string[] = [];
  for (const [index, target] of mapping) {
    const value = withoutTextMarker(unprotectCell((cells[index] ?? '').trim()));
    if (value === '') continue;
    if (target === ADDRESS_LINE_2) {
      lines.push(value);
    } else if (target === 'id') {
      id = value;
    } else if (target === 'phone') {
      const [first, ...others] = phoneNumbersIn(value);
      input.phone = first;
      if (others.length > 0)
        input.additional_phones = [...((input.additional_phones as string[] | undefined) ?? []), ...others];
    } else if (target === 'tags' && ctx.tagsOnSpaces) {
      // Zendesk: `vip premium_plan` are two tags.
      input.tags = [...((input.tags as string[] | undefined) ?? []), ...value.split(/\s+/u)];
    } else if (LIST_TARGETS.has(target)) {
      input[target] = [...((input[target] as string[] | undefined) ?? []), value];
    } else if (target.startsWith('identity.')) {
      const identities = (input.identities ??= {}) as Record<string, string>;
      identities[target.slice('identity.'.length)] = value;
    } else if (target.startsWith('attr.')) {
      const key = target.slice('attr.'.length);
      const attributes = (input.attributes ??= {}) as Record<string, string>;
      attributes[key] = ctx.attributeTypes.get(key) === 'date' ? dateCell(value) : value;
    } else {
      input[target] = DATE_TARGETS.has(target) ? (excelSerialToIsoDate(value) ?? value) : value;
    }
  }
  const targets = new Set(mapping.values());
  const region = typeof input.province === 'string' ? regionPath(input.province) : null;
  if (region) {
    // 所在地区: the province, and the city and district unless other columns give them.
    input.province = region.province;
    if (region.city && !targets.has('city')) input.city = region.city;
    if (region.district) input.address = withDistrict(region.district, input.address);
  }
  if (lines.length > 0)
    input.address = [...(typeof input.address === 'string' ? [input.address] : []), ...lines].join(', ');
  for (const list of LIST_TARGETS) {
    // Several cells of one list target join with `;` so normalizeContactInput splits them like one cell.
    if (Array.isArray(input[list])) input[list] = (input[list] as string[]).join(';');
  }
  return { id, input };
}
