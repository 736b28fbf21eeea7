/**
 * The customers list's SQL: filters, search, sorting with keyset cursors, and bounded totals, shaped
 * so that each database walks an index in the order it answers (or, for a small or selective set,
 * collects it and sorts it). See src/contacts/README.md for the plans and why.
 */
import { type RawBuilder, sql } from 'kysely';
import { sqliteAttributeCandidatesSql } from './contact-attribute-sql.js';
import type { ContactListMembers } from './contact-list-members.js';
import { contactJsonOf } from './contact-page-loader.js';
import type { Dialect } from '../store/sql-dialect.js';
import type { Queryable } from '../store/transaction.js';
import {
  ftsExactName,
  ftsNameMatch,
  nameMatchMode,
  pgExactName,
  pgNameMatch,
  pgNameMatchIsPrefix,
  prefixEnd,
  prefixRange,
  reversedDigits,
  reversedPhoneSql,
  type SearchTerms,
  sqliteNamesMatch,
} from './contact-search-sql.js';

export type SortKey = 'relevance' | 'name' | 'created_at' | 'updated_at' | PurchaseFactSort;
/** Sorts by purchase facts (`contact_purchase_facts`, kept by src/orders). */
export type PurchaseFactSort = 'orders_count' | 'total_spent' | 'first_order_at' | 'last_order_at';
export const PURCHASE_FACT_SORTS: readonly PurchaseFactSort[] = [
  'orders_count',
  'total_spent',
  'first_order_at',
  'last_order_at',
];
export interface ContactSort {
  key: SortKey;
  desc: boolean;
}

export interface ContactListFilter {
  search?: SearchTerms;
  /** Resolved tag id; null when the named tag does not exist (nothing matches). */
  tagId?: string | null;
  /** Live holders of the tag (tags.live_count), to choose the plan. */
  tagCount?: number;
  groupId?: string;
  importId?: string;
  initialSource?: string;
  /** key → JSON-encoded normalised value. */
  attributes?: Record<string, string>;
  ids?: readonly string[];
  createdSince?: string;
  createdBefore?: string;
  updatedSince?: string;
  updatedBefore?: string;
  /** Purchase facts (`contact_purchase_facts`, kept by src/orders); a contact without a row has none. */
  minOrders?: number;
  maxOrders?: number;
  minTotalSpentCents?: number;
  maxTotalSpentCents?: number;
  lastOrderSince?: string;
  lastOrderBefore?: string;
}

/** Where a page ended: the phase of the plan and the last row's sort key and id. */
export interface ListCursor {
  /** The sort it belongs to (`-name`, `relevance` …). */
  s: string;
  /** Phase: `a` ranked key matches, `b` name matches (relevance); `v` rows with a value, `n` without (name). */
  p: string;
  k: string | number | null;
  i: string;
}

export interface ListPageQuery {
  filter: ContactListFilter;
  sort: ContactSort;
  cursor: ListCursor | null;
  limit: number;
  /** Count up to this many; null: no total. */
  totalBound: number | null;
  /**
   * Answer the page's contacts as the API's JSON text (with the members other capabilities registered)
   * in the page's own statement where the plan allows (`ListPageResult.json`): one statement, one hop
   * to a read thread or round trip, fewer.
   */
  withJson?: { extra: readonly ContactListMembers[] };
}

export interface ListPageResult {
  ids: string[];
  /** With `withJson`, each contact of `ids` as loadContactsPageJson writes it, when the plan read them. */
  json?: string[];
  next: ListCursor | null;
  total: number | null;
  totalIsLowerBound: boolean;
}

export const sortName = (sort: ContactSort) => (sort.desc ? `-${sort.key}` : sort.key);

/** Key matches at most this many per kind; more name matches still come, unranked, after them. */
const KEYED_CAP = 1000;
/** A tag or group held by at most this many contacts is collected and sorted rather than walked. */
const SMALL_SET = 20_000;

interface Ctx {
  db: Queryable;
  dialect: Dialect;
  /**
   * Whether every text beginning with a prefix sorts below the prefix + U+10FFFF (code point order:
   * SQLite, PostgreSQL's C and C.UTF-8). Not in collations with contractions: Hungarian sorts "sz…"
   * after "s" + U+10FFFF. Absent: not known to.
   */
  prefixesBounded?: boolean;
}

/** SQLite compares text by its bytes: code point order. */
const prefixesBounded = (ctx: Ctx) => ctx.dialect === 'sqlite' || ctx.prefixesBounded === true;

/**
 * Whether a PostgreSQL database sorts text in code point order (its default collation C, POSIX or
 * C.UTF-8 from libc), so that a prefix's texts end below the prefix + U+10FFFF.
 */
export async function pgSortsByCodePoint(db: Queryable): Promise<boolean> {
  const query = sql<{ collate: string; provider: string | null }>`select datcollate as collate,
    to_jsonb(d) ->> 'datlocprovider' as provider from pg_database d where datname = current_database()`;
  const [row] = (await query.execute(db)).rows;
  return (
    row !== undefined &&
    (row.provider === null || row.provider === 'c') &&
    /^(C|POSIX|C\.UTF-?8)$/i.test(row.collate)
  );
}

/**
 * Conditions over contacts `c` for everything but the search. On SQLite every plan also calls
 * kith_deadline() on the rows it examines (one in 64): the read connections abort a query past its
 * time limit there.
 */
function filterConditions(
  ctx: Ctx,
  f: ContactListFilter,
  options: { skipSet?: 'tag' | 'group' | 'ids'; driven?: boolean } = {},
) {
  // When another set drives the plan, `+` keeps SQLite from walking a partial index of live contacts
  // instead of looking each driven row up by its key.
  const where: RawBuilder<unknown>[] = [
    options.driven && ctx.dialect === 'sqlite' ? sql`+c.deleted_at is null` : sql`c.deleted_at is null`,
  ];
  // The time limit, checked on one row in 64 of those examined: each check is a call into JavaScript
  // (0.5 µs; a walk of a million contacts spent 0.51 s in it, 0.14 s sampled). Rowids are given in
  // insertion order, so any long run of rows holds checked ones.
  if (ctx.dialect === 'sqlite') where.unshift(sql`((c.rowid & 63) <> 0 or kith_deadline())`);
  if (f.tagId !== undefined && options.skipSet !== 'tag') {
    where.push(
      f.tagId === null
        ? sql`1 = 0`
        : sql`exists (select 1 from contact_tags ct where ct.contact_id = c.id and ct.tag_id = ${f.tagId})`,
    );
  }
  if (f.groupId !== undefined && options.skipSet !== 'group')
    where.push(
      sql`exists (select 1 from contact_group_members g where g.group_id = ${f.groupId} and g.contact_id = c.id)`,
    );
  if (f.ids !== undefined && options.skipSet !== 'ids')
    where.push(f.ids.length === 0 ? sql`1 = 0` : sql`c.id in (${sql.join(f.ids)})`);
  if (f.importId !== undefined)
    where.push(
      sql`exists (select 1 from import_rows r where r.import_id = ${f.importId} and r.contact_id = c.id)`,
    );
  if (f.initialSource !== undefined) where.push(sql`c.initial_source = ${f.initialSource}`);
  for (const [key, value] of Object.entries(f.attributes ?? {}))
    where.push(
      ctx.dialect === 'sqlite'
        ? // Each row's own check (migration 0027's FTS5 table drives a plan only where it is the
          // smallest set, in sortedPage): the value's JSON text is looked for in the row's text first,
          // which rejects a row several times faster than parsing its JSON; `->` returns a scalar's
          // JSON text as stored, so a row it would match always holds that text.
          sql`instr(c.attributes, ${value}) > 0 and (c.attributes -> ${`$."${key}"`}) = ${value}`
        : // Containment, which migration 0026's GIN index answers; for a scalar value it is equality.
          sql`(c.attributes::jsonb) @> ${`{${JSON.stringify(key)}:${value}}`}::jsonb`,
    );
  if (f.createdSince) where.push(sql`c.created_at >= ${f.createdSince}`);
  if (f.createdBefore) where.push(sql`c.created_at < ${f.createdBefore}`);
  if (f.updatedSince) where.push(sql`c.updated_at >= ${f.updatedSince}`);
  if (f.updatedBefore) where.push(sql`c.updated_at < ${f.updatedBefore}`);
  // Purchase facts: one primary-key probe per row examined; a contact without a row bought nothing.
  const fact = (column: string, none: RawBuilder<unknown>) =>
    sql`coalesce((select ${sql.ref(`pf.${column}`)} from contact_purchase_facts pf where pf.contact_id = c.id), ${none})`;
  if (f.minOrders !== undefined) where.push(sql`${fact('orders_count', sql`0`)} >= ${f.minOrders}`);
  if (f.maxOrders !== undefined) where.push(sql`${fact('orders_count', sql`0`)} <= ${f.maxOrders}`);
  if (f.minTotalSpentCents !== undefined)
    where.push(sql`${fact('total_spent_cents', sql`0`)} >= ${f.minTotalSpentCents}`);
  if (f.maxTotalSpentCents !== undefined)
    where.push(sql`${fact('total_spent_cents', sql`0`)} <= ${f.maxTotalSpentCents}`);
  if (f.lastOrderSince) where.push(sql`${fact('last_order_at', sql`null`)} >= ${f.lastOrderSince}`);
  if (f.lastOrderBefore) where.push(sql`${fact('last_order_at', sql`null`)} < ${f.lastOrderBefore}`);
  return where;
}

const and = (parts: RawBuilder<unknown>[]) => sql.join(parts, sql` and `);

/** SQLite's CROSS JOIN keeps the written join order (the small set drives); PostgreSQL plans by itself. */
const driveJoin = (ctx: Ctx) => (ctx.dialect === 'sqlite' ? sql`cross join` : sql`join`);

async function rows<T>(ctx: Ctx, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(ctx.db)).rows;
}

/** How many rows `from` (FROM … WHERE …) gives, counting no further than `bound`: a scalar subquery. */
const boundedCount = (from: RawBuilder<unknown>, bound: number) =>
  sql<number | string>`(select count(*) from (select 1 as one ${from} limit ${bound}) counted)`;

/** `boundedCount` as a statement of its own; `cte`: the WITH clause `from` reads, if any. */
async function countUpTo(
  ctx: Ctx,
  from: RawBuilder<unknown>,
  bound: number,
  cte: RawBuilder<unknown> | null = null,
): Promise<number> {
  const [row] = await rows<{ n: number | string }>(
    ctx,
    sql`${cte ?? sql``}select ${boundedCount(from, bound)} as n`,
  );
  return Number(row?.n ?? 0);
}

// ---------------------------------------------------------------- search

/**
 * The identity lookup of a search: every defined type, read by the statement itself (no round trip).
 * Each contact once: one may hold the value under two types, and a search with a name has this as its
 * only key part, which nothing else deduplicates.
 */
const identityValueSql = (s: SearchTerms, alias: string) =>
  sql`select distinct contact_id as ${sql.ref(alias)} from contact_identities
    where type in (select key from identity_types) and value = ${s.text} and deleted_at is null`;

/**
 * The key matches that pass the other filters, in rank order (tier, id): 0 for an exact e-mail,
 * phone, identity value or whole name field; 1 for an e-mail's beginning or a phone's last digits.
 * Each kind is an index lookup capped at KEYED_CAP rows; all of them and the filters are one
 * statement (a round trip costs more than any of the lookups).
 */
async function rankedKeyed(ctx: Ctx, f: ContactListFilter): Promise<{ id: string; tier: number }[]> {
  const s = f.search!;
  const parts: RawBuilder<unknown>[] = [];
  const part = (tier: number, query: RawBuilder<unknown>) =>
    parts.push(sql`select id, ${sql.lit(tier)} as tier from (${query}) k${sql.raw(String(parts.length))}`);
  if (s.email)
    part(0, sql`select contact_id as id from contact_emails where value = ${s.email} and deleted_at is null`);
  if (s.phone)
    part(0, sql`select contact_id as id from contact_phones where value = ${s.phone} and deleted_at is null`);
  part(0, sql`${identityValueSql(s, 'id')} limit ${KEYED_CAP}`);
  if (s.name)
    part(
      0,
      ctx.dialect === 'sqlite'
        ? sql`select c.id from contact_name_search cross join contacts c on c.rowid = contact_name_search.rowid
            where contact_name_search match ${ftsExactName(s.name)} and ${sqliteNamesMatch('c', 'exact', s.name)}
            limit ${KEYED_CAP}`
        : sql`select c.id from contacts c where c.deleted_at is null and ${pgExactName(s.name)} limit ${KEYED_CAP}`,
    );
  if (s.emailPrefix)
    part(
      1,
      sql`select contact_id as id from contact_emails where ${prefixRange(sql.ref('value'), s.emailPrefix, prefixesBounded(ctx))}
        and deleted_at is null order by value limit ${KEYED_CAP}`,
    );
  if (s.phoneDigits) {
    const r = reversedDigits(s.phoneDigits);
    const reversed = reversedPhoneSql(ctx.dialect);
    const range =
      ctx.dialect === 'postgres'
        ? sql`${reversed} like ${`${r}%`}`
        : sql`${reversed} >= ${r} and ${reversed} < ${prefixEnd(r)}`;
    part(
      1,
      sql`select contact_id as id from contact_phones where ${range} and deleted_at is null limit ${KEYED_CAP}`,
    );
  }
  // The keys drive (SQLite: CROSS JOIN keeps that order); each contact is then looked up by its key.
  const found = await rows(
    ctx,
    sql<{ id: string; tier: number | string }>`select c.id, min(keyed.tier) as tier
      from (${sql.join(parts, sql` union all `)}) keyed ${driveJoin(ctx)} contacts c on c.id = keyed.id
      where ${and(filterConditions(ctx, f, { driven: true }))}
      group by c.id`,
  );
  return found
    .map((r) => ({ id: r.id, tier: Number(r.tier) }))
    .sort((a, b) => a.tier - b.tier || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** FROM/WHERE of name matches that are not among `exclude`, ordered by `k` (SQLite rowid, else id). */
function nameMatchesFrom(ctx: Ctx, f: ContactListFilter, exclude: string[], after: string | number | null) {
  const name = f.search!.name!;
  const where = filterConditions(ctx, f, { driven: ctx.dialect === 'sqlite' });
  if (exclude.length > 0) where.push(sql`c.id not in (${sql.join(exclude)})`);
  if (ctx.dialect === 'sqlite') {
    where.unshift(
      sql`contact_name_search match ${ftsNameMatch(name)}`,
      sqliteNamesMatch('c', nameMatchMode(name), name),
    );
    if (after !== null) where.push(sql`contact_name_search.rowid > ${Number(after)}`);
    return {
      from: sql`from contact_name_search cross join contacts c on c.rowid = contact_name_search.rowid where ${and(where)}`,
      key: sql`contact_name_search.rowid`,
    };
  }
  where.push(pgNameMatch(name));
  if (after !== null) where.push(sql`c.id > ${String(after)}`);
  // OFFSET 0 keeps PostgreSQL from walking the primary key in id order and testing each row (its
  // estimate of a pattern's matches is poor: a name nobody has read every contact); the matches come
  // from the trigram index and are sorted.
  return { from: sql`from (select c.id from contacts c where ${and(where)} offset 0) c`, key: sql`c.id` };
}

/** Contacts looked at in id order before the trigram index is asked instead. */
const PG_WINDOW = 5000;

/**
 * Name matches in id order on PostgreSQL. The trigram index yields matches in no order, and fetching
 * each of a common name's 80,000 matches to sort them takes seconds; walking contacts in id order and
 * testing each takes seconds for a name nobody has. So: the next PG_WINDOW contacts in id order first
 * (enough for a common name's page), then the index for the rest (a rare name's few matches). The
 * window's page, where the window ends and (when asked) the bounded count of every match are one
 * statement.
 */
async function pgNameMatchPage(
  ctx: Ctx,
  f: ContactListFilter,
  exclude: string[],
  after: string | null,
  n: number,
  countBound: number | null,
): Promise<{ found: { id: string; k: string }[]; count: number | null }> {
  const where = filterConditions(ctx, f);
  if (exclude.length > 0) where.push(sql`c.id not in (${sql.join(exclude)})`);
  where.push(pgNameMatch(f.search!.name!));
  const from = after === null ? sql`` : sql`and c.id > ${after}`;
  const counted =
    countBound === null
      ? sql`null::bigint`
      : sql`(select count(*) from (select 1 ${nameMatchesFrom(ctx, f, exclude, null).from} limit ${countBound}) m)`;
  // The window streams in id order and stops at the page's last match; where it ends is asked only
  // when the page is short (an InitPlan in CASE runs when needed).
  const [row] = await rows(
    ctx,
    sql<{ page: string[] | null; edge: string | null; n: string | number | null }>`with page as (
        select c.id from (select * from contacts c where c.deleted_at is null ${from}
          order by c.id limit ${PG_WINDOW}) c
        where ${and(where)} order by c.id limit ${n})
      select (select array_agg(id order by id) from page) as page,
        case when (select count(*) from page) < ${n} then (select c.id from contacts c
          where c.deleted_at is null ${from} order by c.id offset ${PG_WINDOW - 1} limit 1) end as edge,
        ${counted} as n`,
  );
  const dense = (row?.page ?? []).map((id) => ({ id, k: id }));
  const count = row?.n === null || row?.n === undefined ? null : Number(row.n);
  if (dense.length >= n || !row?.edge) return { found: dense, count };
  const sparse = await rows(
    ctx,
    sql<{ id: string; k: string }>`select c.id, c.id as k from (select c.id from contacts c
      where ${and(where)} and c.id > ${row.edge} offset 0) c order by c.id limit ${n - dense.length}`,
  );
  return { found: [...dense, ...sparse], count };
}

async function relevancePage(ctx: Ctx, q: ListPageQuery): Promise<ListPageResult> {
  const { filter: f, limit } = q;
  const keyed = await rankedKeyed(ctx, f);
  const exclude = keyed.map((k) => k.id);
  const page: { id: string; p: string; k: string | number | null }[] = [];
  const cursor = q.cursor;
  if (!cursor || cursor.p === 'a') {
    let start = 0;
    if (cursor) {
      const [t, i] = [Number(cursor.k), cursor.i];
      start = keyed.findIndex((r) => r.tier > t || (r.tier === t && r.id > i));
      if (start < 0) start = keyed.length;
    }
    for (const r of keyed.slice(start, start + limit + 1)) page.push({ id: r.id, p: 'a', k: r.tier });
  }
  // Name matches counted towards the total: up to what the bound leaves after the key matches.
  const rest = q.totalBound === null ? null : q.totalBound - keyed.length;
  const countNames = f.search!.name !== null && rest !== null && rest > 0;
  let nameCount: number | null = null;
  if (page.length <= limit && f.search!.name) {
    const after = cursor?.p === 'b' ? cursor.k : null;
    if (ctx.dialect === 'postgres') {
      const r = await pgNameMatchPage(
        ctx,
        f,
        exclude,
        after === null ? null : String(after),
        limit + 1 - page.length,
        countNames ? rest! + 1 : null,
      );
      nameCount = r.count;
      for (const m of r.found) page.push({ id: m.id, p: 'b', k: m.k });
    } else {
      const found = await rows(
        ctx,
        sql<{ id: string; k: string | number }>`select c.id, contact_name_search.rowid as k
          ${nameMatchesFrom(ctx, f, exclude, after).from} order by contact_name_search.rowid
          limit ${limit + 1 - page.length}`,
      );
      for (const r of found) page.push({ id: r.id, p: 'b', k: r.k });
    }
  }
  let total: number | null = null;
  let lower = false;
  if (q.totalBound !== null) {
    total = keyed.length;
    if (countNames) {
      const n = nameCount ?? (await countUpTo(ctx, nameMatchesFrom(ctx, f, exclude, null).from, rest! + 1));
      lower = n > rest!;
      total += Math.min(n, rest!);
    } else lower = keyed.length > q.totalBound;
  }
  return finish(page, limit, sortName(q.sort), total, lower);
}

/** A row of a page: its id, the plan's phase and sort key, and its JSON when the statement read it. */
interface PageRow {
  id: string;
  p: string;
  k: string | number | null;
  json?: string | null;
}

/** A row a sorted page's statement answers. */
type FoundRow = { id: string; k: string | null; json?: string | null };

function finish(
  page: PageRow[],
  limit: number,
  s: string,
  total: number | null,
  totalIsLowerBound: boolean,
): ListPageResult {
  const shown = page.slice(0, limit);
  const last = shown[shown.length - 1];
  const json = shown.every((r) => typeof r.json === 'string') ? shown.map((r) => r.json!) : undefined;
  return {
    ids: shown.map((r) => r.id),
    ...(json && { json }),
    next: page.length > limit && last ? { s, p: last.p, k: last.k, i: last.id } : null,
    total,
    totalIsLowerBound,
  };
}

// ---------------------------------------------------------------- sorted lists

const SORT_COLUMNS: Record<Exclude<SortKey, 'relevance' | PurchaseFactSort>, RawBuilder<unknown>> = {
  name: sql`lower(c.name)`,
  created_at: sql`c.created_at`,
  updated_at: sql`c.updated_at`,
};

/** A search's key lookups other than names (each an index lookup), as `select … as cid` parts. */
function searchKeyParts(ctx: Ctx, s: SearchTerms): RawBuilder<unknown>[] {
  const parts: RawBuilder<unknown>[] = [];
  if (s.email)
    parts.push(
      sql`select contact_id as cid from contact_emails where value = ${s.email} and deleted_at is null`,
    );
  if (s.phone)
    parts.push(
      sql`select contact_id as cid from contact_phones where value = ${s.phone} and deleted_at is null`,
    );
  parts.push(identityValueSql(s, 'cid'));
  if (s.emailPrefix)
    parts.push(
      sql`select contact_id as cid from contact_emails
        where ${prefixRange(sql.ref('value'), s.emailPrefix, prefixesBounded(ctx))} and deleted_at is null`,
    );
  if (s.phoneDigits) {
    const r = reversedDigits(s.phoneDigits);
    const reversed = reversedPhoneSql(ctx.dialect);
    parts.push(
      ctx.dialect === 'postgres'
        ? sql`select contact_id as cid from contact_phones where ${reversed} like ${`${r}%`} and deleted_at is null`
        : sql`select contact_id as cid from contact_phones where ${reversed} >= ${r}
            and ${reversed} < ${prefixEnd(r)} and deleted_at is null`,
    );
  }
  return parts;
}

/**
 * A search as a condition on each contact `c` walked in a sort's order: its names tested directly,
 * its (few) key matches looked up once.
 */
function searchRowCondition(ctx: Ctx, s: SearchTerms): RawBuilder<unknown> {
  const name =
    s.name === null
      ? sql`1 = 0`
      : ctx.dialect === 'sqlite'
        ? sqliteNamesMatch('c', nameMatchMode(s.name), s.name)
        : pgNameMatch(s.name);
  return sql`(${name} or c.id in (${sql.join(searchKeyParts(ctx, s), sql` union all `)}))`;
}

/**
 * A small set of contacts a plan starts from: their ids (`cid`), or on SQLite their rowids (`rid`,
 * `byRowid`); `skip`: the filter it stands for.
 */
interface DrivingSet {
  rows: RawBuilder<unknown>;
  byRowid?: boolean;
  skip?: 'tag' | 'group' | 'ids';
  /**
   * The set's contacts `c` that pass `where`, as rows (id, k = `column`), read in the same
   * pass that finds them; absent: `rows` joined to contacts.
   */
  keyed?: (column: RawBuilder<unknown>, where: RawBuilder<unknown>[]) => RawBuilder<unknown>;
}

/**
 * SQLite: the driving set's contacts that pass `where` with their sort key, as (id, k). A search's
 * name matches are read once, where they are found and confirmed: a common name's 40,000 contacts
 * were looked up a second time (by rowid) to filter and sort them, half of such a request's time.
 */
const keyedRows = (driving: DrivingSet, column: RawBuilder<unknown>, where: RawBuilder<unknown>[]) =>
  driving.keyed
    ? driving.keyed(column, where)
    : sql`select c.id as id, ${column} as k from ${drivenFrom(driving)} cross join contacts c on ${drivenOn(driving)}
        where ${and(where)}`;

/** The driving set as a FROM item named `d`. */
const drivenFrom = (driving: DrivingSet) => sql`(${driving.rows}) d`;

/** How contacts `c` join the driving set `d`. */
const drivenOn = (driving: DrivingSet) => (driving.byRowid ? sql`c.rowid = d.rid` : sql`c.id = d.cid`);

/**
 * A small set that can drive the plan (collect, then sort), or null to walk the sort's index. A search
 * is collected (its matches are found through its own indexes) unless `walkSearch`: a name with more
 * matches than SEARCH_COLLECT_LIMIT walks the sort's index instead.
 */
function drivingSet(ctx: Ctx, f: ContactListFilter, walkSearch = false): DrivingSet | null {
  if (f.search && !walkSearch) {
    const s = f.search;
    // Each part as (where it finds contacts `c`, what it asks of them), read with their sort key where
    // they are found (`keyed`): a common name's tens of thousands of matches (秀英: 33,000) looked up
    // again to filter and sort them took half of such a search's time.
    const keyParts = searchKeyParts(ctx, s);
    const parts = keyParts.map((part) => ({
      from: sql`(${part}) k ${driveJoin(ctx)} contacts c on c.id = k.cid`,
      where: [] as RawBuilder<unknown>[],
    }));
    // The name part comes last and leaves out the key parts' contacts, so that it joins them with
    // `union all`: a common name's tens of thousands of matches are not deduplicated one by one
    // against each other (秀英 on PostgreSQL: 15–20 ms of a hash of 33,000 rows), only probed against
    // the few key matches. The key parts' contact ids are never null.
    const notKeyed = sql`c.id not in (${sql.join(keyParts, sql` union all `)})`;
    const namePart = !s.name
      ? null
      : ctx.dialect === 'sqlite'
        ? {
            from: sql`contact_name_search cross join contacts c on c.rowid = contact_name_search.rowid`,
            where: [
              sql`contact_name_search match ${ftsNameMatch(s.name)}`,
              sqliteNamesMatch('c', nameMatchMode(s.name), s.name),
              notKeyed,
            ],
          }
        : { from: sql`contacts c`, where: [pgNameMatch(s.name), notKeyed] };
    const select =
      (what: RawBuilder<unknown>, where: RawBuilder<unknown>[]) =>
      (p: { from: RawBuilder<unknown>; where: RawBuilder<unknown>[] }) => {
        const all = [...p.where, ...where];
        return sql`select ${what} from ${p.from} ${all.length > 0 ? sql`where ${and(all)}` : sql``}`;
      };
    const union = (what: RawBuilder<unknown>, where: RawBuilder<unknown>[]) => {
      const selectOf = select(what, where);
      const keys = sql.join(parts.map(selectOf), sql` union `);
      return namePart ? sql`${keys} union all ${selectOf(namePart)}` : keys;
    };
    const keyed = (column: RawBuilder<unknown>, where: RawBuilder<unknown>[]) =>
      union(sql`c.id as id, ${column} as k`, where);
    // SQLite by rowid: a rowid finds its row directly (an id goes through its index first). PostgreSQL's
    // trigram index covers live contacts only, so its part asks for them.
    return ctx.dialect === 'sqlite'
      ? { rows: union(sql`c.rowid as rid`, []), byRowid: true, keyed }
      : { rows: union(sql`c.id as cid`, [sql`c.deleted_at is null`]), keyed };
  }
  if (f.ids !== undefined)
    return {
      rows: sql`select c2.id as cid from contacts c2 where c2.id in (${sql.join(f.ids.length > 0 ? f.ids : [''])})`,
      skip: 'ids',
    };
  if (f.tagId && (f.tagCount ?? Infinity) <= SMALL_SET)
    return {
      rows: sql`select contact_id as cid from contact_tags where tag_id = ${f.tagId}`,
      skip: 'tag',
    };
  return null;
}

/**
 * SQLite without statistics may scan a partial index of live contacts and sort a million rows rather
 * than walk the sort's own index: name it. PostgreSQL plans from its statistics.
 */
const SORT_INDEXES: Record<Exclude<SortKey, 'relevance' | PurchaseFactSort>, string> = {
  name: 'contacts_live_name',
  created_at: 'contacts_live_created',
  updated_at: 'contacts_updated_at',
};
const walkIndex = (ctx: Ctx, key: SortKey) =>
  ctx.dialect === 'sqlite' && key in SORT_INDEXES
    ? sql.raw(`indexed by ${SORT_INDEXES[key as keyof typeof SORT_INDEXES]}`)
    : sql``;

const onlyTag = (f: ContactListFilter) =>
  f.tagId !== undefined &&
  f.tagCount !== undefined &&
  Object.entries(f).every(([key, value]) => value === undefined || ['tagId', 'tagCount'].includes(key));

/** Purchase-fact columns and the index of each (migrations 0012 and 0021), walked in sort order. */
const FACT_SORTS: Record<PurchaseFactSort, { column: string; index: string }> = {
  orders_count: { column: 'orders_count', index: 'contact_purchase_facts_count' },
  total_spent: { column: 'total_spent_cents', index: 'contact_purchase_facts_spent' },
  first_order_at: { column: 'first_order_at', index: 'contact_purchase_facts_first' },
  last_order_at: { column: 'last_order_at', index: 'contact_purchase_facts_last' },
};

/**
 * A list sorted by a purchase fact: phase `v` walks the facts table's index in sort order (only
 * customers who bought have a row) and looks each contact up; phase `n`, the customers without a
 * value, follow in id order — after the buyers in both directions, as contacts without a name do.
 * A small driving set (search, ids, a small tag) is collected and sorted instead.
 */
async function factSortedPage(ctx: Ctx, q: ListPageQuery): Promise<ListPageResult> {
  const { filter: f, sort, limit } = q;
  const fact = FACT_SORTS[sort.key as PurchaseFactSort];
  const column = sql.ref(`pf.${fact.column}`);
  const driving = drivingSet(ctx, f);
  const base = filterConditions(ctx, f, { skipSet: driving?.skip, driven: true });
  const [cmp, dir] = sort.desc ? [sql`<`, sql`desc`] : [sql`>`, sql`asc`];
  const cursor = q.cursor;
  const page: { id: string; p: string; k: string | number | null }[] = [];
  // A facts row means at least one purchase: "never bought" needs no walk of the buyers, and a
  // floor on orders, spending or the last order needs none of the others.
  const amountSort = sort.key === 'orders_count' || sort.key === 'total_spent';
  const skip = {
    v: f.maxOrders === 0,
    n:
      f.lastOrderSince !== undefined ||
      f.lastOrderBefore !== undefined ||
      (amountSort && ((f.minOrders ?? 0) > 0 || (f.minTotalSpentCents ?? 0) > 0)),
  };
  for (const phase of ['v', 'n'] as const) {
    if (skip[phase]) continue;
    if (cursor && phase === 'v' && cursor.p === 'n') continue;
    if (page.length > limit) break;
    const where = [...base];
    const fromCursor = cursor && cursor.p === phase ? cursor : null;
    let found: { id: string; k: string | number | null }[];
    if (phase === 'v') {
      where.push(sql`${column} is not null`);
      if (fromCursor)
        where.push(
          sql`${column} ${cmp}= ${fromCursor.k} and (${column} ${cmp} ${fromCursor.k} or pf.contact_id ${cmp} ${fromCursor.i})`,
        );
      const from = driving
        ? sql`from ${drivenFrom(driving)} ${driveJoin(ctx)} contacts c on ${drivenOn(driving)}
            join contact_purchase_facts pf on pf.contact_id = c.id`
        : sql`from contact_purchase_facts pf ${ctx.dialect === 'sqlite' ? sql.raw(`indexed by ${fact.index}`) : sql``}
            ${driveJoin(ctx)} contacts c on c.id = pf.contact_id`;
      found = await rows(
        ctx,
        sql<{ id: string; k: string | number | null }>`select c.id, ${column} as k ${from} where ${and(where)}
          order by ${column} ${dir}, pf.contact_id ${dir} limit ${limit + 1 - page.length}`,
      );
    } else {
      where.push(
        sql`not exists (select 1 from contact_purchase_facts pf where pf.contact_id = c.id and ${column} is not null)`,
      );
      if (fromCursor) where.push(sql`c.id ${cmp} ${fromCursor.i}`);
      const from = driving
        ? sql`from ${drivenFrom(driving)} ${driveJoin(ctx)} contacts c on ${drivenOn(driving)}`
        : sql`from contacts c`;
      found = await rows(
        ctx,
        sql<{ id: string; k: null }>`select c.id, null as k ${from} where ${and(where)}
          order by c.id ${dir} limit ${limit + 1 - page.length}`,
      );
    }
    for (const r of found)
      page.push({
        id: r.id,
        p: phase,
        k:
          phase === 'n' || r.k === null
            ? null
            : typeof r.k === 'string' && /^\d+$/.test(r.k)
              ? Number(r.k)
              : r.k,
      });
  }
  let total: number | null = null;
  let lower = false;
  if (q.totalBound !== null) {
    const all = filterConditions(ctx, f, { skipSet: driving?.skip, driven: driving !== null });
    const from = driving
      ? sql`from ${drivenFrom(driving)} ${driveJoin(ctx)} contacts c on ${drivenOn(driving)} where ${and(all)}`
      : sql`from contacts c where ${and(all)}`;
    const n = await countUpTo(ctx, from, q.totalBound + 1);
    lower = n > q.totalBound;
    total = Math.min(n, q.totalBound);
  }
  return finish(page, limit, sortName(sort), total, lower);
}

/**
 * A search sorted by created or updated time collects its matches and sorts them when they are few; a
 * common name (王: tens of thousands) would take seconds to collect and sort, so past this many name
 * matches the sort's index is walked and each contact tested instead (a common name fills a page
 * within a few thousand contacts). Not by name: names matching a search sit together in name order
 * (王伟, 王芳 …), and the walk would first pass every name before them.
 */
const SEARCH_COLLECT_LIMIT = 1000;
/**
 * Neither database can estimate how many contacts an attribute value has (PostgreSQL's GIN index keeps
 * no statistics per value: it guesses 1 %; SQLite's FTS5 table none at all), and walking a sort's index
 * for a value one contact holds reads every contact. So the matches are counted through the index up
 * to this many (with the total's bound) and, when they are no more, collected and sorted; a common
 * value walks the sort's index.
 */
const ATTRIBUTE_COLLECT_LIMIT = 2000;

async function sortedPage(ctx: Ctx, q: ListPageQuery): Promise<ListPageResult> {
  const { filter: f, sort, limit } = q;
  if ((PURCHASE_FACT_SORTS as readonly string[]).includes(sort.key)) return factSortedPage(ctx, q);
  const column = SORT_COLUMNS[sort.key as Exclude<SortKey, 'relevance' | PurchaseFactSort>];
  // PostgreSQL, sorted by name, a one-character search: its name matches are exactly the names that
  // begin with it (pgNameMatchIsPrefix), which sit together in the name index. Many of them (王: tens
  // of thousands) are then walked there rather than collected and sorted — unless a key (an identity
  // value equal to the query) matches too, whose contact may sort anywhere. Descending, the walk starts
  // at the prefix's upper end, so only where the collation bounds it (else it would first pass every
  // later name).
  const prefixCandidate =
    ctx.dialect === 'postgres' &&
    sort.key === 'name' &&
    (!sort.desc || prefixesBounded(ctx)) &&
    f.search?.name != null &&
    pgNameMatchIsPrefix(f.search.name);
  // Name matches, counted up to what the plan and the total need (the relevance total's statement).
  let nameCount: number | null = null;
  if (f.search?.name && (sort.key !== 'name' || prefixCandidate)) {
    const countBound = Math.max(q.totalBound ?? 0, SEARCH_COLLECT_LIMIT) + 1;
    nameCount = await countUpTo(ctx, nameMatchesFrom(ctx, f, [], null).from, countBound);
  }
  const prefixWalk =
    prefixCandidate &&
    nameCount! > SEARCH_COLLECT_LIMIT &&
    (await rows(ctx, sql`${sql.join(searchKeyParts(ctx, f.search!), sql` union all `)} limit 1`)).length ===
      0;
  const walkSearch =
    nameCount !== null && nameCount > SEARCH_COLLECT_LIMIT && (sort.key !== 'name' || prefixWalk);
  let driving = drivingSet(ctx, f, walkSearch);
  // Attribute filters and nothing smaller to drive: count the matches through the attribute index
  // first (PostgreSQL's GIN index; on SQLite the first filter's candidates in the FTS5 table, each
  // confirmed with every filter).
  let attributeCount: number | null = null;
  const [firstAttribute] = Object.entries(f.attributes ?? {});
  if (firstAttribute && !driving) {
    const matches =
      ctx.dialect === 'sqlite'
        ? sql`(select c.id from (${sqliteAttributeCandidatesSql(...firstAttribute)}) s
            cross join contacts c on c.rowid = s.rowid where ${and(filterConditions(ctx, f, { driven: true }))})`
        : sql`(select c.id from contacts c where ${and(filterConditions(ctx, f))} offset 0)`;
    attributeCount = await countUpTo(
      ctx,
      sql`from ${matches} m`,
      Math.max(q.totalBound ?? 0, ATTRIBUTE_COLLECT_LIMIT) + 1,
    );
    if (attributeCount <= ATTRIBUTE_COLLECT_LIMIT)
      driving = { rows: sql`select id as cid from ${matches} m` };
  }
  const base = filterConditions(ctx, f, { skipSet: driving?.skip, driven: driving !== null });
  if (walkSearch) base.push(searchRowCondition(ctx, f.search!));
  // Bounded on both sides where the collation allows: the page after the last match would otherwise
  // walk every later name.
  if (prefixWalk) base.push(prefixRange(sql`lower(c.name)`, f.search!.name!, prefixesBounded(ctx)));
  // SQLite: a collected set (a search's matches: tens of thousands for 王 or jo) is built once per
  // statement as a materialized CTE `m` of (id, k) — its contacts that pass every filter, with their
  // sort key — which the page and its total both read; as a subquery it was built twice, once for
  // each, and its contacts then looked up again to filter and sort them.
  const keyed = driving !== null && (ctx.dialect === 'sqlite' || driving.keyed !== undefined);
  const cte = keyed ? sql`with m as materialized (${keyedRows(driving!, column, base)}) ` : null;
  const [sortKey, idKey] = keyed ? [sql`m.k`, sql`m.id`] : [column, sql`c.id`];
  const pageBase = keyed ? [] : base;
  const from = (where: RawBuilder<unknown>[]) =>
    keyed
      ? sql`from m ${where.length > 0 ? sql`where ${and(where)}` : sql``}`
      : driving
        ? sql`from ${drivenFrom(driving)} ${driveJoin(ctx)} contacts c on ${drivenOn(driving)} where ${and(where)}`
        : sql`from contacts c ${walkIndex(ctx, sort.key)} where ${and(where)}`;
  let total: number | null = null;
  let lower = false;
  // The total, when no statement of its own is needed for it.
  if (q.totalBound !== null && onlyTag(f)) {
    // A tag alone: the database keeps its live count.
    lower = f.tagCount! > q.totalBound;
    total = Math.min(f.tagCount!, q.totalBound);
  } else if (q.totalBound !== null && nameCount !== null && nameCount > q.totalBound) {
    // More name matches than the bound: the search's matches are more still.
    [total, lower] = [q.totalBound, true];
  } else if (q.totalBound !== null && attributeCount !== null && !walkSearch) {
    // Counted past the bound already (every filter applied; a walked search is not in that count).
    lower = attributeCount > q.totalBound;
    total = Math.min(attributeCount, q.totalBound);
  }
  // A walked search is counted through its own indexes (collected), not by walking every contact.
  const collected = walkSearch ? drivingSet(ctx, f) : null;
  const countFrom =
    q.totalBound === null || total !== null
      ? null
      : collected
        ? sql`from ${drivenFrom(collected)} ${driveJoin(ctx)} contacts c on ${drivenOn(collected)}
            where ${and(filterConditions(ctx, f, { driven: true }))}`
        : from(pageBase);
  const [cmp, dir] = sort.desc ? [sql`<`, sql`desc`] : [sql`>`, sql`asc`];
  // Contacts without a name come after the named ones in both directions (none matches a walked prefix).
  const phases = sort.key === 'name' && !prefixWalk ? ['v', 'n'] : ['v'];
  const cursor = q.cursor;
  const page: PageRow[] = [];
  let counted: number | null = null;
  for (const phase of phases) {
    if (cursor && phases.indexOf(phase) < phases.indexOf(cursor.p)) continue;
    if (page.length > limit) break;
    const where = [...pageBase];
    if (sort.key === 'name')
      where.push(phase === 'v' ? sql`${sortKey} is not null` : sql`${sortKey} is null`);
    const fromCursor = cursor && cursor.p === phase ? cursor : null;
    if (fromCursor) {
      if (phase === 'n') where.push(sql`${idKey} ${cmp} ${fromCursor.i}`);
      else
        where.push(
          sql`${sortKey} ${cmp}= ${fromCursor.k} and (${sortKey} ${cmp} ${fromCursor.k} or ${idKey} ${cmp} ${fromCursor.i})`,
        );
    }
    const order = phase === 'n' ? sql`${idKey} ${dir}` : sql`${sortKey} ${dir}, ${idKey} ${dir}`;
    // Written into the text (a whole number from 1 to 501): PostgreSQL's generic plan for a prepared
    // page (the light lane prepares repeated texts) would otherwise assume a tenth of the table.
    const wanted = sql.lit(limit + 1 - page.length);
    // With the contacts' JSON: the page's statement read as a subquery (both LIMIT and ORDER BY keep
    // SQLite from flattening it, so the JSON is built for its rows only, never for the rows it sorts).
    const withJson = (inner: RawBuilder<unknown>) =>
      q.withJson
        ? sql`select p.*, ${contactJsonOf(ctx.db, 'p.id', q.withJson.extra)} as json from (${inner}) p
            order by ${phase === 'n' ? sql`p.id ${dir}` : sql`p.k ${dir}, p.id ${dir}`} limit ${wanted}`
        : inner;
    const pageSql = sql<FoundRow>`select ${idKey} as id, ${sortKey} as k ${from(where)} order by ${order}
        limit ${wanted}`;
    let found: FoundRow[];
    if (cte || (ctx.dialect === 'postgres' && countFrom && counted === null)) {
      // The total as a column: an uncorrelated subquery, evaluated once (over the same CTE on SQLite),
      // so the page and its bounded total take one statement (on PostgreSQL one round trip). An empty
      // page answers no count: the first page then holds every match (below), a later one counts again.
      const counting = countFrom !== null && counted === null;
      const answered: (FoundRow & { n?: number | string })[] = await rows(
        ctx,
        sql<FoundRow & { n?: number | string }>`${cte ?? sql``}${withJson(
          sql`select ${idKey} as id, ${sortKey} as k${
            counting ? sql`, ${boundedCount(countFrom!, q.totalBound! + 1)} as n` : sql``
          } ${from(where)} order by ${order} limit ${wanted}`,
        )}`,
      );
      if (counting && answered.length > 0) counted = Number(answered[0]!.n);
      found = answered;
    } else found = await rows(ctx, withJson(pageSql) as RawBuilder<FoundRow>);
    for (const r of found) page.push({ id: r.id, p: phase, k: phase === 'n' ? null : r.k, json: r.json });
  }
  if (countFrom) {
    // A first page that is not full holds every match: no second walk to count them (a rare value
    // without an index is found by reading every contact, and would be read twice).
    const whole = cursor === null && page.length <= limit;
    const n = counted ?? (whole ? page.length : await countUpTo(ctx, countFrom, q.totalBound! + 1, cte));
    lower = n > q.totalBound!;
    total = Math.min(n, q.totalBound!);
  }
  return finish(page, limit, sortName(sort), total, lower);
}

/** One page of the list, its cursor and (when asked) its total. */
export async function queryContactPage(ctx: Ctx, q: ListPageQuery): Promise<ListPageResult> {
  if (q.filter.tagId === null)
    return { ids: [], next: null, total: q.totalBound === null ? null : 0, totalIsLowerBound: false };
  if (q.sort.key === 'relevance') {
    if (!q.filter.search) throw new Error('relevance needs a search');
    return relevancePage(ctx, q);
  }
  return sortedPage(ctx, q);
}
