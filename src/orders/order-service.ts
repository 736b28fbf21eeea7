/**
 * OrderService: what the API and CLI do with orders — start a Tmall import of the order and items
 * reports (checked up front, then a durable job like every import), undo one, list orders with
 * filters, read one, a customer's orders and purchase facts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { loadContacts } from '../contacts/contact-repository.js';
import type { ContactWriter } from '../contacts/contact-writer.js';
import { normalizeGroupName, normalizeNewTagName } from '../domain/contact/contact-patch.js';
import type { Actor } from '../domain/actor.js';
import { KithError, NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { isIsoDateOrTime } from '../domain/normalize/date.js';
import { assertRegion } from '../domain/normalize/phone.js';
import { importDir, type ImportConfig } from '../imports/contact-import-pipeline.js';
import { appliedImportRows, queueImport } from '../imports/import-records.js';
import type { ImportSettings } from '../imports/import-settings.js';
import { parseEncodingName, type TextEncoding } from '../imports/read/detect-encoding.js';
import { ImportFileError } from '../imports/read/import-file-error.js';
import { inFile, inspectSource, type SourceInfo } from '../imports/read/source-reader.js';
import type { UndoReport } from '../imports/undo-import.js';
import type { ImportPreview, ImportService } from '../imports/import-service.js';
import { IdentityTypeService } from '../customization/identity-type-service.js';
import { ORDER_IMPORT_TARGETS, resolveOrderMapping, suggestOrderMapping } from './generic/order-mapping.js';
import { ORDER_IMPORT_JOB_KIND, ORDER_IMPORT_KIND, type OrderFileSource } from './generic-order-import.js';
import type { Store } from '../store/database.js';
import { makePrivateDir, restrictToOwner } from '../store/private-files.js';
import type { OrderOutcome } from './order-import-outcome.js';
import { type Order, orderWire } from './order-record.js';
import {
  NO_PURCHASES,
  type PurchaseFacts,
  readPurchaseFacts,
  refreshPurchaseFacts,
} from './purchase-facts.js';
import {
  itemFailureFilePath,
  TMALL_IMPORT_JOB_KIND,
  TMALL_IMPORT_KIND,
  type TmallStoredSource,
} from './tmall-order-import.js';
import { readItemLayout, readOrderLayout } from './tmall/tmall-layouts.js';
import { AMOUNT_OUT_OF_RANGE, parseAmountCents } from './tmall/tmall-quirks.js';
import { ORDER_STATUSES, type OrderStatus } from './tmall/tmall-status.js';
import { fieldPath } from '../domain/field-path.js';

export interface TmallImportRequest {
  ordersPath: string;
  ordersFileName: string;
  itemsPath: string;
  itemsFileName: string;
  encoding?: string;
  tags?: string[];
  group?: string | null;
  region?: string;
  dryRun?: boolean;
  runAutomationRules?: boolean;
}

/** A generic order file: any shop's CSV/XLSX with a mapping like the contact import's. */
export interface OrderFileImportRequest {
  filePath: string;
  fileName: string;
  /** Column name → target (order_number, status, customer.phone, identity.<type>, item.title …). */
  mapping?: Record<string, string>;
  /** The orders' source (`csv` when not given): an order is unique by source and order number. */
  source?: string;
  encoding?: string;
  delimiter?: string;
  sheet?: string;
  headerRow?: number;
  /** Currency of orders whose file names none (default CNY). */
  currency?: string;
  /** UTC offset of times written without one, `+08:00` (the default), `-05:00`, `Z`. */
  utcOffset?: string;
  tags?: string[];
  group?: string | null;
  region?: string;
  dryRun?: boolean;
  runAutomationRules?: boolean;
}

/** A generic order file's preview: the contact import's, with order targets suggested. */
export interface OrderFilePreview extends ImportPreview {
  targets: string[];
}

export interface OrderFilter {
  contact_id?: string;
  status?: string[];
  source?: string;
  /** Order time (`ordered_at`) from, inclusive; ISO date or date-time. */
  since?: string;
  /** Order time before, exclusive. */
  before?: string;
  /** Paid amount range, decimal strings, inclusive. */
  min_amount?: string;
  max_amount?: string;
  q?: string;
  cursor?: string;
  limit?: number;
  /** Count the matches, exact up to ORDER_TOTAL_BOUND (default true); the list's first page asks. */
  total?: boolean;
}

export interface OrderPage {
  data: Order[];
  next_cursor: string | null;
}

/** A page of the orders list: with the matching orders counted unless not asked for. */
export interface OrderListPage extends OrderPage {
  /** Orders matching the filter (all pages), exact up to ORDER_TOTAL_BOUND; null when not asked for. */
  total: number | null;
  total_is_lower_bound: boolean;
}

/** Past this many matches the list says "more than": counting every order of a large shop costs a scan. */
export const ORDER_TOTAL_BOUND = 10_000;

function isoBound(field: string, value: string): string {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+08:00` : value);
  if (!isIsoDateOrTime(value) || Number.isNaN(d.getTime()))
    throw new ValidationError(field, value, 'must be an ISO date or date-time');
  return d.toISOString();
}

function amountBound(field: string, value: string): number {
  const parsed = parseAmountCents(value);
  if (parsed.ok && parsed.value !== null) return parsed.value;
  // A well-formed amount past the range is not "not an amount": the reason names the range.
  const reason =
    !parsed.ok && parsed.reason === AMOUNT_OUT_OF_RANGE
      ? AMOUNT_OUT_OF_RANGE
      : 'must be a decimal amount such as 99.50';
  throw new ValidationError(field, value, reason);
}

const SOURCE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

function utcOffsetMinutes(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 480;
  if (raw === 'Z' || raw === 'UTC') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(raw);
  if (!m || Number(m[2]) > 14 || Number(m[3]) > 59)
    throw new ValidationError('options.utc_offset', raw, 'must be an offset such as +08:00, -05:00 or Z');
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

export class OrderService {
  constructor(
    private readonly store: Store,
    private readonly writer: ContactWriter,
    private readonly config: ImportConfig,
    /** The contact import's service: its source inspection and preview serve order files too. */
    private readonly imports: ImportService | null = null,
  ) {}

  private importService(): ImportService {
    if (!this.imports) throw new Error('OrderService needs the ImportService for order files');
    return this.imports;
  }

  /** The file as the contact import previews it, with order targets suggested for its columns. */
  async previewOrderFile(
    request: Pick<OrderFileImportRequest, 'filePath' | 'encoding' | 'delimiter' | 'sheet' | 'headerRow'>,
  ): Promise<OrderFilePreview> {
    const preview = await this.importService().preview({ ...request, createAttributes: false });
    const suggestions = suggestOrderMapping(preview.header);
    return {
      ...preview,
      suggested_mapping: suggestions,
      unmapped_columns: suggestions.filter((s) => s.target === null).map((s) => s.column),
      warnings: preview.warnings.filter(
        (w) => !preview.suggested_mapping.some((s) => w.startsWith(`${s.column}: `)),
      ),
      targets: [...ORDER_IMPORT_TARGETS],
      // An order file's failure file is not a customer import's.
      earlier_import: null,
    };
  }

  /**
   * Checks the file and the mapping as a whole before anything is queued (every problem named at
   * once), keeps a copy of the file and queues the job. A refused setting is named as the API's
   * `options` send it (`options.order_source`, `options.currency`, `options.utc_offset`), as a customer
   * import's are (`options.encoding`).
   */
  async startOrderFileImport(request: OrderFileImportRequest, actor: Actor): Promise<string> {
    const source = request.source?.trim().toLowerCase() || 'csv';
    if (!SOURCE_NAME.test(source))
      throw new ValidationError(
        'options.order_source',
        request.source,
        'must be a short name: a-z, digits, _ and -, from a letter (e.g. shopify)',
      );
    const currency = (request.currency ?? 'CNY').trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency))
      throw new ValidationError(
        'options.currency',
        request.currency,
        'must be a three-letter currency code such as CNY',
      );
    const offset = utcOffsetMinutes(request.utcOffset);
    const settings: ImportSettings = {
      tags: (request.tags ?? [])
        .map((t, i) => normalizeNewTagName(t, fieldPath('options', 'tags', i)))
        .filter((t): t is string => t !== null),
      group: request.group?.trim() ? normalizeGroupName(request.group, 'options.group') : null,
      sourcePolicy: 'new-only',
      region: request.region ? assertRegion(request.region, 'options.region') : this.config.defaultRegion,
      createAttributes: false,
      onFileDuplicate: 'reject',
      dryRun: request.dryRun ?? false,
      runAutomationRules: request.runAutomationRules ?? true,
    };
    const imports = this.importService();
    const info = await imports.inspect(request);
    if (info.encodingConfidence === 'unsure' && !request.encoding)
      throw new ImportFileError(
        `the file's encoding could not be detected with confidence (${info.encodingReason}); choose it with --encoding (options.encoding in the API)`,
      );
    if (info.header.every((h) => h.trim() === '')) throw new ImportFileError('the file has no header row');
    const identityTypes = await new IdentityTypeService(this.db).keys();
    const mapping = resolveOrderMapping(info.header, request.mapping ?? {}, identityTypes);

    const id = newId('import');
    const dir = importDir(this.config, id);
    makePrivateDir(dir);
    const stored = path.join(dir, `source.${info.format}`);
    fs.copyFileSync(request.filePath, stored);
    restrictToOwner(stored);
    const fileSource: OrderFileSource = {
      ...info,
      path: stored,
      order: { source, utcOffsetMinutes: offset, currency },
    };
    await this.db.transaction().execute((trx) =>
      queueImport(
        trx,
        {
          id,
          kind: ORDER_IMPORT_KIND,
          dryRun: settings.dryRun,
          fileName: path.basename(request.fileName),
          fileSize: fs.statSync(stored).size,
          source: fileSource,
          mapping: [...mapping].sort((a, b) => a[0] - b[0]),
          settings,
          warnings: [],
          createdBy: actor.userId,
        },
        ORDER_IMPORT_JOB_KIND,
      ),
    );
    return id;
  }

  private get db() {
    return this.store.db;
  }

  private async inspect(
    file: string,
    label: string,
    encoding: TextEncoding | undefined,
  ): Promise<SourceInfo> {
    const info = await inspectSource(file, { encoding, xlsxLimits: this.config.xlsxLimits }).catch((e) => {
      throw inFile(label, e);
    });
    if (info.encodingConfidence === 'unsure' && !encoding)
      throw new ImportFileError(
        `the ${label}'s encoding could not be detected with confidence (${info.encodingReason}); Tmall reports are GBK or UTF-8: choose with --encoding gbk or utf-8 (options.encoding in the API)`,
      );
    return info;
  }

  /** Checks both reports' layouts before anything is queued, keeps copies and queues the job. */
  async startTmallImport(request: TmallImportRequest, actor: Actor): Promise<string> {
    let encoding: TextEncoding | undefined;
    if (request.encoding !== undefined) {
      encoding = parseEncodingName(request.encoding) ?? undefined;
      if (!encoding)
        throw new ValidationError('options.encoding', request.encoding, 'must be gbk/gb18030 or utf-8');
    }
    const settings: ImportSettings = {
      tags: (request.tags ?? [])
        .map((t, i) => normalizeNewTagName(t, fieldPath('options', 'tags', i)))
        .filter((t): t is string => t !== null),
      group: request.group?.trim() ? normalizeGroupName(request.group, 'options.group') : null,
      sourcePolicy: 'new-only',
      region: request.region ? assertRegion(request.region, 'options.region') : this.config.defaultRegion,
      createAttributes: false,
      onFileDuplicate: 'reject',
      dryRun: request.dryRun ?? false,
      runAutomationRules: request.runAutomationRules ?? true,
    };
    const orders = await this.inspect(request.ordersPath, 'orders file', encoding);
    const items = await this.inspect(request.itemsPath, 'items file', encoding);
    const orderLayout = readOrderLayout(orders.header);
    if (!orderLayout.ok)
      throw new ImportFileError(orderLayout.reason, {
        file: 'orders',
        missing: orderLayout.missing,
        unknown: orderLayout.unknown,
        ...(orderLayout.looksLike ? { looks_like: orderLayout.looksLike } : {}),
      });
    const itemLayout = readItemLayout(items.header);
    if (!itemLayout.ok)
      throw new ImportFileError(itemLayout.reason, {
        file: 'items',
        missing: itemLayout.missing,
        unknown: itemLayout.unknown,
        ...(itemLayout.looksLike ? { looks_like: itemLayout.looksLike } : {}),
      });
    const warnings: string[] = [];
    if (orderLayout.layout.unknown.length > 0)
      warnings.push(
        `orders file: columns kept as the orders' extra fields: ${orderLayout.layout.unknown.join(', ')}`,
      );
    if (itemLayout.layout.unknown.length > 0)
      warnings.push(
        `items file: columns kept as the items' extra fields: ${itemLayout.layout.unknown.join(', ')}`,
      );

    const id = newId('import');
    const dir = importDir(this.config, id);
    makePrivateDir(dir);
    const keep = (from: string, name: string, info: SourceInfo) => {
      const to = path.join(dir, `${name}.${info.format}`);
      fs.copyFileSync(from, to);
      restrictToOwner(to);
      return to;
    };
    const source: TmallStoredSource = {
      ...orders,
      path: keep(request.ordersPath, 'source', orders),
      items: {
        ...items,
        path: keep(request.itemsPath, 'items', items),
        fileName: path.basename(request.itemsFileName),
      },
    };
    await this.db.transaction().execute((trx) =>
      queueImport(
        trx,
        {
          id,
          kind: TMALL_IMPORT_KIND,
          dryRun: settings.dryRun,
          fileName: path.basename(request.ordersFileName),
          fileSize: fs.statSync(source.path).size + fs.statSync(source.items.path).size,
          source,
          mapping: [],
          settings,
          warnings,
          createdBy: actor.userId,
        },
        TMALL_IMPORT_JOB_KIND,
      ),
    );
    return id;
  }

  /**
   * Undo of an order import: the orders it created are deleted with their purchase events, the ones
   * it updated get their earlier state back (unless changed again since), and a buyer it created is
   * deleted once it has no order left. Purchase facts follow.
   */
  async undoTmallImport(
    importId: string,
    actor: Actor,
    afterBatch: () => Promise<void> = async () => {},
  ): Promise<UndoReport> {
    return this.undoOrderImport(importId, actor, afterBatch);
  }

  /**
   * Undo of any order import (Tmall or a generic file): their row outcomes have one shape.
   * `afterBatch` runs after each committed batch (ImportUndo's: it renews the undo's claim).
   */
  async undoOrderImport(
    importId: string,
    actor: Actor,
    afterBatch: () => Promise<void> = async () => {},
  ): Promise<UndoReport> {
    const report: UndoReport = { deleted: 0, restored: 0, gone: 0, kept: [], kept_count: 0 };
    const undoActor: Actor = { ...actor, channelRef: importId };
    let before = 2_147_483_647;
    for (;;) {
      const rows = await appliedImportRows(this.db, importId, before, 500);
      if (rows.length === 0) break;
      before = rows[rows.length - 1]!.row_number;
      await this.writer.transaction(undoActor, async (w) => {
        const trx = w.db;
        const touched = new Set<string>();
        const buyers: string[] = [];
        for (const row of rows) {
          const outcome = JSON.parse(row.changes ?? '{}') as OrderOutcome;
          const order = await trx
            .selectFrom('orders')
            .selectAll()
            .where('id', '=', outcome.order_id)
            .executeTakeFirst();
          if (!order) {
            report.gone++;
            continue;
          }
          touched.add(order.contact_id);
          if (row.action === 'created') {
            await trx.deleteFrom('orders').where('id', '=', order.id).execute();
            if (outcome.event_id)
              await trx.deleteFrom('contact_events').where('id', '=', outcome.event_id).execute();
            if (outcome.created_contact) buyers.push(order.contact_id);
            report.restored++;
          } else if (outcome.before) {
            if (outcome.after_hash !== undefined && order.content_hash !== outcome.after_hash) {
              report.kept_count++;
              report.kept.push({
                contact_id: order.contact_id,
                field: `order ${order.order_number}`,
                reason: 'changed again since the import',
              });
              continue;
            }
            const { id: _id, contact_id: _contact, ...previous } = outcome.before;
            await trx.updateTable('orders').set(previous).where('id', '=', order.id).execute();
            report.restored++;
          }
        }
        // A buyer the import created goes with its last order.
        const left = new Set(
          buyers.length === 0
            ? []
            : (
                await trx
                  .selectFrom('orders')
                  .select('contact_id')
                  .where('contact_id', 'in', buyers)
                  .execute()
              ).map((r) => r.contact_id),
        );
        const empty = [...new Set(buyers)].filter((b) => !left.has(b));
        const states = await loadContacts(trx, empty, { forUpdate: true });
        const contacts = [...states.values()];
        if (contacts.length > 0) await w.delete(contacts);
        report.deleted += contacts.length;
        await refreshPurchaseFacts(trx, touched);
      });
      await afterBatch();
    }
    return report;
  }

  /**
   * A Tmall import's item failures (items whose order is not in the orders file): the items report's
   * columns and `error`, written when the import completes.
   */
  async itemFailureFile(importId: string): Promise<string> {
    // 410 import_files_deleted once the import's files are deleted.
    const record = await this.importService().withFilesKept(importId);
    if (record.kind !== TMALL_IMPORT_KIND)
      throw new ValidationError(
        'id',
        importId,
        'is not a Tmall order import: only those have an items report',
      );
    const file = itemFailureFilePath(this.config, importId);
    if (fs.existsSync(file)) return file;
    throw new KithError(
      'not_ready',
      record.status === 'completed'
        ? `import ${importId} ended before item failures were written (files of earlier versions)`
        : `import ${importId} is ${record.status}; its item failures are written when it completes`,
      409,
    );
  }

  async get(id: string): Promise<Order> {
    const row = await this.db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('order', id);
    return orderWire(row);
  }

  /** Newest order first (by order time, then id); `cursor` is the previous page's `next_cursor`. */
  async list(filter: OrderFilter = {}): Promise<OrderListPage> {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
    const matching = this.matching(filter);
    const [page, total] = await Promise.all([
      this.pageOf(matching, filter.cursor, limit),
      filter.total === false ? null : this.countUpTo(matching, ORDER_TOTAL_BOUND),
    ]);
    return {
      ...page,
      total: total === null ? null : Math.min(total, ORDER_TOTAL_BOUND),
      total_is_lower_bound: total !== null && total > ORDER_TOTAL_BOUND,
    };
  }

  /** The orders the filter keeps, refused with the field's name where a value cannot filter. */
  private matching(filter: OrderFilter) {
    let query = this.db.selectFrom('orders');
    if (filter.contact_id) query = query.where('contact_id', '=', filter.contact_id);
    if (filter.source) query = query.where('source', '=', filter.source);
    if (filter.status && filter.status.length > 0) {
      for (const s of filter.status)
        if (!(ORDER_STATUSES as readonly string[]).includes(s))
          throw new ValidationError('status', s, `must be one of ${ORDER_STATUSES.join(', ')}`);
      query = query.where('status', 'in', filter.status as OrderStatus[]);
    }
    if (filter.since) query = query.where('ordered_at', '>=', isoBound('since', filter.since));
    if (filter.before) query = query.where('ordered_at', '<', isoBound('before', filter.before));
    if (filter.min_amount !== undefined)
      query = query.where(
        sql`coalesce(paid_cents, total_cents)`,
        '>=',
        amountBound('min_amount', filter.min_amount),
      );
    if (filter.max_amount !== undefined)
      query = query.where(
        sql`coalesce(paid_cents, total_cents)`,
        '<=',
        amountBound('max_amount', filter.max_amount),
      );
    if (filter.q) {
      const q = filter.q.trim();
      query = query.where((eb) =>
        eb.or([eb('order_number', '=', q), eb('buyer_nick', '=', q), eb('receiver_name', '=', q)]),
      );
    }
    return query;
  }

  /** Up to `bound` + 1 matches counted: enough to say "more than `bound`" without counting them all. */
  private async countUpTo(matching: ReturnType<OrderService['matching']>, bound: number) {
    const row = await this.db
      .selectFrom(
        matching
          .select(sql<number>`1`.as('one'))
          .limit(bound + 1)
          .as('m'),
      )
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private async pageOf(
    matching: ReturnType<OrderService['matching']>,
    cursor: string | undefined,
    limit: number,
  ): Promise<OrderPage> {
    let query = matching.selectAll();
    if (cursor) {
      const [at, id] = this.readCursor(cursor);
      query = query.where((eb) =>
        eb.or([
          eb(sql`coalesce(ordered_at, '')`, '<', at),
          eb.and([eb(sql`coalesce(ordered_at, '')`, '=', at), eb('id', '<', id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy(sql`coalesce(ordered_at, '')`, 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map(orderWire),
      next_cursor:
        rows.length > limit && last
          ? Buffer.from(JSON.stringify([last.ordered_at ?? '', last.id])).toString('base64url')
          : null,
    };
  }

  private readCursor(cursor: string): [string, string] {
    try {
      const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
      if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((p) => typeof p === 'string'))
        return parsed as [string, string];
    } catch {
      // falls through to the refusal
    }
    throw new ValidationError(
      'cursor',
      cursor,
      "is not a cursor this list gave (use the previous page's next_cursor)",
    );
  }

  /** A customer's orders (a merged id's survivor is the caller's business: ids are taken as given). */
  async ofContact(contactId: string, page: { cursor?: string; limit?: number } = {}): Promise<OrderPage> {
    const contact = await this.db
      .selectFrom('contacts')
      .select('id')
      .where('id', '=', contactId)
      .executeTakeFirst();
    if (!contact) throw new NotFoundError('contact', contactId);
    return this.list({ contact_id: contactId, ...page });
  }

  async purchaseFacts(contactIds: readonly string[]): Promise<Map<string, PurchaseFacts>> {
    const facts = await readPurchaseFacts(this.db, contactIds);
    for (const id of contactIds) if (!facts.has(id)) facts.set(id, NO_PURCHASES);
    return facts;
  }
}
