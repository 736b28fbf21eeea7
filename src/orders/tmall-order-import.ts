/**
 * Runs one Tmall order import job: read both reports → map each row (quirks, amounts, times, status)
 * → validate (repeated order numbers, stray items) → match buyers → apply → report. Pass 1 spills the
 * items and order numbers to a scratch file; pass 2 takes the orders in batches of 2,000, each batch
 * one transaction with its orders, the buyers it creates, their timeline events, its row outcomes,
 * the import's counts and its checkpoint — so a job taken over after a crash resumes after the last
 * committed batch and `rows = created + updated + unchanged + failed` always holds. The counts are
 * the orders file's rows; the items file's are in the import's summary.
 */
import { databaseFailure } from '../imports/apply/write-conflicts.js';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Selectable } from 'kysely';
import { findKeyOwners } from '../contacts/identify-contact.js';
import type { ContactWriter } from '../contacts/contact-writer.js';
import { IdentityTypeService } from '../customization/identity-type-service.js';
import type { Actor } from '../domain/actor.js';
import { emptyContactState, type ContactState } from '../domain/contact/contact-fields.js';
import { protectCell } from '../domain/csv-cell-safety.js';
import { ConflictError, failureReason, KithError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { normalizePhone } from '../domain/normalize/phone.js';
import {
  importDir,
  type ImportConfig,
  type ImportNotifier,
  type StoredSource,
  writeImportReports,
  endStoppedImport,
} from '../imports/contact-import-pipeline.js';
import type { TmallOrderImportSummary } from '../imports/import-service.js';
import {
  finishImportRecord,
  importCountsBefore,
  importProgress,
  importStillToRun,
  markImportRunning,
  readImportRecord,
  setImportSummary,
  setImportTotal,
} from '../imports/import-records.js';
import type { ImportSettings } from '../imports/import-settings.js';
import { readNamedSourceRecords } from '../imports/read/source-reader.js';
import { type JobContext, LeaseLostError } from '../jobs/job-runner.js';
import { identityKey } from '../domain/contact/identify-rule.js';
import type { Store } from '../store/database.js';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../store/private-files.js';
import type { OrdersTable } from '../store/schema.js';
import { nowIso, type Queryable } from '../store/transaction.js';
import { orderContentHash, purchaseTime, tmallOrderContent } from './order-record.js';
import { commitOrderBatch, emptyOrderBatchPlan } from './order-batch-writer.js';
import { GroupService } from '../segments/group-service.js';
import { TmallScratch } from './tmall-scratch.js';
import {
  failedOrderRow,
  type OrderOutcome,
  type OrderRowOutcome,
  writtenOrderRow,
} from './order-import-outcome.js';
import { readItemLayout, readOrderLayout } from './tmall/tmall-layouts.js';
import {
  readTmallItemRow,
  readTmallOrderRow,
  type TmallItemRow,
  type TmallOrderRow,
} from './tmall/tmall-rows.js';
import { centsToDecimal, parseSourceId } from './tmall/tmall-quirks.js';
import { PURCHASE_STATUSES } from './tmall/tmall-status.js';

export const TMALL_IMPORT_JOB_KIND = 'tmall_order_import';
export const TMALL_IMPORT_KIND = 'tmall_orders';
/** The identity a Tmall buyer's nickname is kept as; `taobao` (the contact import's) is matched too. */
export const TAOBAO_NICK_IDENTITY = 'taobao_nick';
const NICK_TYPES = [TAOBAO_NICK_IDENTITY, 'taobao'] as const;
// Larger batches share more of each index page among their rows and spread a transaction's fixed cost
// (commit, the change log's lookups) over more orders; beyond 2,000 the garbage they leave grows the heap.
const BATCH_ORDERS = 2000;

export interface TmallStoredSource extends StoredSource {
  items: StoredSource & { fileName: string };
}

/** What an order import found beyond its counts (the import's `summary`). */
export type TmallImportSummary = TmallOrderImportSummary;

/** What undo needs of an order row's outcome (import_rows.changes). */
export class TmallOrderImportPipeline {
  constructor(
    private readonly store: Store,
    private readonly writer: ContactWriter,
    private readonly config: ImportConfig,
    private readonly notifier: ImportNotifier | null = null,
  ) {}

  private get db() {
    return this.store.db;
  }

  async run(importId: string, job: Pick<JobContext, 'renewLease'> | null): Promise<void> {
    const record = await readImportRecord(this.db, importId);
    if (!importStillToRun(record)) return;
    const source = JSON.parse(record.source) as TmallStoredSource;
    const settings = JSON.parse(record.settings) as ImportSettings;
    const actor: Actor = { userId: record.created_by, channel: 'import', channelRef: importId };
    let scratch: TmallScratch | null = null;
    try {
      if (record.cancel_requested) return await this.finish(importId, source, 'cancelled');
      await markImportRunning(this.db, record);
      const orderLayout = readOrderLayout(source.header);
      const itemLayout = readItemLayout(source.items.header);
      if (!orderLayout.ok) throw new KithError('invalid_file', orderLayout.reason, 400);
      if (!itemLayout.ok) throw new KithError('invalid_file', itemLayout.reason, 400);
      if (!settings.dryRun) await this.ensureNickIdentity(actor);
      const groupId =
        settings.group && !settings.dryRun
          ? await new GroupService(this.store).ensureNamed(settings.group, actor)
          : null;

      // Pass 1: items by order number, order numbers by row.
      makePrivateDir(importDir(this.config, importId));
      scratch = new TmallScratch(path.join(importDir(this.config, importId), 'pass1-orders.sqlite'));
      let itemRows = 0;
      for await (const rec of readNamedSourceRecords('items file', source.items.path, source.items, {
        xlsxLimits: this.config.xlsxLimits,
      })) {
        if (rec.cells.every((c) => c.trim() === '')) continue;
        itemRows++;
        const item = readTmallItemRow(rec.cells, itemLayout.layout);
        if (item.ok) scratch.item(rec.rowNumber, rec.cells, item.row);
        else scratch.badItem(rec.rowNumber, rec.cells, item.reason);
        if (itemRows % 10_000 === 0) await job?.renewLease();
      }
      let totalRows = 0;
      for await (const rec of readNamedSourceRecords('orders file', source.path, source, {
        xlsxLimits: this.config.xlsxLimits,
      })) {
        if (rec.cells.every((c) => c.trim() === '')) continue;
        totalRows++;
        const f = orderLayout.layout.fields.order_number!;
        const number = readTmallOrderNumber(rec.cells[f]);
        if (number !== null) scratch.order(rec.rowNumber, number);
        if (totalRows % 10_000 === 0) await job?.renewLease();
      }
      scratch.settle();
      const summary: TmallImportSummary = (record.summary ? JSON.parse(record.summary) : null) ?? {
        kind: 'tmall_orders',
        orders_layout: orderLayout.layout.variant,
        items_file_name: source.items.fileName,
        items: { rows: 0, attached: 0, failed: 0 },
        orders_without_items: 0,
        buyers: { matched_by_phone: 0, matched_by_nick: 0, created: 0 },
        unknown_headers: [...orderLayout.layout.unknown, ...itemLayout.layout.unknown],
      };
      summary.items.rows = itemRows;
      await setImportTotal(this.db, importId, totalRows, summary);

      // Pass 2: the orders after the checkpoint, batch by batch.
      const region = settings.region;
      const phoneOf = (value: string) => normalizeTmallPhone(value, region);
      let batch: { rowNumber: number; cells: string[] }[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        if ((await importProgress(this.db, importId)).cancelRequested) return 'cancelled' as const;
        const rows = batch.map((r) => ({
          ...r,
          reading: readTmallOrderRow(r.cells, orderLayout.layout, phoneOf),
        }));
        const numbers = rows.flatMap((r) => (r.reading.ok ? [r.reading.row.orderNumber] : []));
        const items = scratch!.itemsOf(numbers);
        let session = null;
        await this.db.transaction().execute(async (trx) => {
          session = await this.applyBatch(trx, importId, rows, items, scratch!, { settings, actor, groupId });
        });
        if (session)
          await this.writer.publish(session, { runAutomationRules: settings.runAutomationRules ?? true });
        batch = [];
        await job?.renewLease();
        await new Promise((resolve) => setImmediate(resolve));
        return null;
      };
      for await (const rec of readNamedSourceRecords('orders file', source.path, source, {
        xlsxLimits: this.config.xlsxLimits,
      })) {
        if (rec.rowNumber <= record.checkpoint_row) continue;
        if (rec.cells.every((c) => c.trim() === '')) continue;
        batch.push(rec);
        if (batch.length >= BATCH_ORDERS && (await flush()) === 'cancelled')
          return await this.finish(importId, source, 'cancelled', undefined, scratch);
      }
      if ((await flush()) === 'cancelled')
        return await this.finish(importId, source, 'cancelled', undefined, scratch);
      await this.finish(importId, source, 'completed', undefined, scratch);
    } catch (e) {
      if (e instanceof LeaseLostError) throw e;
      // Kith's own reasons as they are; any other error in words, its text only in the log.
      const reason = databaseFailure(e) ?? failureReason(e);
      await this.finish(importId, source, 'failed', reason, scratch);
      throw e;
    } finally {
      scratch?.close();
    }
  }

  private async ensureNickIdentity(actor: Actor): Promise<void> {
    const identities = new IdentityTypeService(this.db);
    if ((await identities.keys()).has(TAOBAO_NICK_IDENTITY)) return;
    await identities
      .create({ key: TAOBAO_NICK_IDENTITY, label: 'Taobao nickname' }, actor)
      .catch((e: unknown) => {
        if (!(e instanceof ConflictError)) throw e; // another import created it first
      });
  }

  private async applyBatch(
    trx: Queryable,
    importId: string,
    rows: { rowNumber: number; cells: string[]; reading: ReturnType<typeof readTmallOrderRow> }[],
    itemsByOrder: Map<string, TmallItemRow[]>,
    scratch: TmallScratch,
    ctx: { settings: ImportSettings; actor: Actor; groupId: string | null },
  ) {
    const { settings, actor } = ctx;
    const current = await importCountsBefore(trx, importId, rows[0]!.rowNumber);
    const summary = JSON.parse(current.summary!) as TmallImportSummary;
    const at = nowIso();
    const counts = { created: 0, updated: 0, unchanged: 0, failed: 0 };
    const outcomes: OrderRowOutcome[] = [];
    const fail = (rowNumber: number, cells: string[], reason: string) => {
      outcomes.push(failedOrderRow(importId, rowNumber, cells, reason));
      counts.failed++;
    };

    const valid: { rowNumber: number; cells: string[]; order: TmallOrderRow }[] = [];
    for (const r of rows) {
      const repeated = scratch.repeatedReason(r.rowNumber);
      if (!r.reading.ok) fail(r.rowNumber, r.cells, r.reading.reason);
      else if (repeated) fail(r.rowNumber, r.cells, repeated);
      else if (r.reading.row.status.kind === 'unknown')
        fail(r.rowNumber, r.cells, r.reading.row.status.reason);
      else valid.push({ rowNumber: r.rowNumber, cells: r.cells, order: r.reading.row });
    }
    const existing = new Map<string, Selectable<OrdersTable>>();
    if (valid.length > 0)
      for (const o of await trx
        .selectFrom('orders')
        .selectAll()
        .where('source', '=', 'tmall')
        .where(
          'order_number',
          'in',
          valid.map((v) => v.order.orderNumber),
        )
        .execute())
        existing.set(o.order_number, o);

    // Buyers of new orders: by phone, else by nickname — nicknames are looked up only for the orders
    // whose phone no live customer owns (most buyers of a shop are matched by phone).
    const fresh = valid.filter((v) => !existing.has(v.order.orderNumber));
    const byPhone = await findKeyOwners(trx, [
      {
        id: null,
        identities: {},
        phones: fresh.flatMap((v) => phonesOf(v.order)),
        emails: [],
      },
    ]);
    const nicks = fresh.flatMap((v) =>
      v.order.buyerNick && !phonesOf(v.order).some((p) => byPhone.phoneOwner.has(p))
        ? [v.order.buyerNick]
        : [],
    );
    const byNick =
      nicks.length === 0
        ? null
        : await findKeyOwners(
            trx,
            nicks.map((nick) => ({
              id: null,
              identities: Object.fromEntries(NICK_TYPES.map((t) => [t, nick])),
              phones: [],
              emails: [],
            })),
          );
    const owners = { phoneOwner: byPhone.phoneOwner, identityOwner: byNick?.identityOwner ?? new Map() };
    const createdByPhone = new Map<string, string>();
    const createdByNick = new Map<string, string>();
    const plan = emptyOrderBatchPlan();
    const { creates, orderInserts, orderUpdates, events, touched, purchases, members } = plan;

    for (const { rowNumber, cells, order } of valid) {
      const status = order.status.kind === 'unknown' ? null : order.status;
      if (!status) continue;
      const items = itemsByOrder.get(order.orderNumber) ?? [];
      const content = tmallOrderContent(order, status.status, items);
      const hash = orderContentHash(content);
      const before = existing.get(order.orderNumber);
      if (before) {
        if (items.length === 0) summary.orders_without_items++;
        summary.items.attached += items.length;
        if (before.content_hash === hash) {
          outcomes.push(writtenOrderRow(importId, rowNumber, 'unchanged', before.contact_id, null));
          counts.unchanged++;
          continue;
        }
        touched.add(before.contact_id);
        orderUpdates.push({ id: before.id, set: { ...content, content_hash: hash, updated_at: at } });
        const outcome: OrderOutcome = { order_id: before.id, before, after_hash: hash };
        outcomes.push(writtenOrderRow(importId, rowNumber, 'updated', before.contact_id, outcome));
        counts.updated++;
        continue;
      }
      if (status.kind === 'not_imported') {
        fail(rowNumber, cells, status.reason);
        continue;
      }
      let contactId: string | null = null;
      let createdContact: string | undefined;
      // By each of the cell's numbers in turn, the first (the phone) first: never by the cell's text.
      for (const phone of phonesOf(order))
        contactId ??= owners.phoneOwner.get(phone) ?? createdByPhone.get(phone) ?? null;
      if (contactId) summary.buyers.matched_by_phone++;
      else if (order.buyerNick) {
        for (const type of NICK_TYPES)
          contactId ??= owners.identityOwner.get(identityKey(type, order.buyerNick)) ?? null;
        contactId ??= createdByNick.get(order.buyerNick) ?? null;
        if (contactId) summary.buyers.matched_by_nick++;
      }
      if (!contactId) {
        if (!order.phone && !order.buyerNick) {
          const why = [
            order.phoneProblem ?? '联系手机 is empty',
            order.buyerNickRaw
              ? `买家会员名 ${JSON.stringify(order.buyerNickRaw)} is masked`
              : '买家会员名 is empty',
          ];
          fail(rowNumber, cells, `the buyer cannot be identified: ${why.join(' and ')}`);
          continue;
        }
        contactId = newId('contact');
        createdContact = contactId;
        creates.push({ id: contactId, state: buyerState(order, settings) });
        for (const phone of phonesOf(order))
          if (!createdByPhone.has(phone)) createdByPhone.set(phone, contactId);
        if (order.buyerNick) createdByNick.set(order.buyerNick, contactId);
        summary.buyers.created++;
      }
      if (items.length === 0) summary.orders_without_items++;
      summary.items.attached += items.length;
      const orderId = newId('order');
      const eventId = newId('event');
      orderInserts.push({
        ...content,
        id: orderId,
        contact_id: contactId,
        import_id: importId,
        content_hash: hash,
        created_at: at,
        updated_at: at,
      });
      if (PURCHASE_STATUSES.includes(status.status))
        purchases.push({
          contactId,
          cents: order.paidCents ?? order.totalCents ?? 0,
          at: order.paidAt ?? order.orderedAt,
        });
      if (PURCHASE_STATUSES.includes(status.status))
        events.push({
          id: eventId,
          contact_id: contactId,
          type: 'purchase',
          occurred_at: purchaseTime({ paid_at: order.paidAt, ordered_at: order.orderedAt }) ?? at,
          actor_id: actor.userId,
          channel: 'import',
          channel_ref: importId,
          data: purchaseEventData(orderId, order, status.status, items),
        });
      members.add(contactId);
      const outcome: OrderOutcome = { order_id: orderId, event_id: eventId, created_contact: createdContact };
      outcomes.push(
        writtenOrderRow(importId, rowNumber, 'created', settings.dryRun ? null : contactId, outcome),
      );
      counts.created++;
    }

    const session = settings.dryRun ? null : this.writer.session(trx, actor, at);
    await commitOrderBatch(trx, this.store, session, {
      importId,
      actor,
      at,
      plan,
      groupId: ctx.groupId,
      current,
      report: {
        rows: rows.length,
        firstRow: rows[0]!.rowNumber,
        lastRow: rows[rows.length - 1]!.rowNumber,
        counts,
        summary,
      },
      outcomes,
    });
    return session;
  }

  /**
   * The job runner gave this import's job up: its process kept dying. Ended failed as a contact import
   * is (its counts, of rows of the orders file, as its committed batches left them).
   */
  givenUp(importId: string, stops: number): Promise<string> {
    return endStoppedImport(this.db, this.config, this.notifier, importId, stops);
  }

  private async finish(
    importId: string,
    source: TmallStoredSource,
    status: 'completed' | 'failed' | 'cancelled',
    error?: string,
    scratch?: TmallScratch | null,
  ): Promise<void> {
    makePrivateDir(importDir(this.config, importId));
    const record = (await readImportRecord(this.db, importId))!;
    if (scratch && status === 'completed' && record.summary) {
      const summary = JSON.parse(record.summary) as TmallImportSummary;
      summary.items.failed = await this.writeItemFailures(importId, source, scratch).catch(() => {
        // The file could not be written (a full disk): no half file is handed out as whole, and the
        // import still ends, its count of failed items honest.
        try {
          fs.rmSync(itemFailureFilePath(this.config, importId), { force: true });
        } catch {
          // Not a file of ours (a folder in its place): nothing half-written to remove.
        }
        return [...scratch.strayItems()].length;
      });
      // Every item row is accounted for: joined, failed on its own, or one of an order that failed.
      const { rows, attached, failed } = summary.items;
      summary.items.of_failed_orders = Math.max(0, rows - attached - failed);
      await setImportSummary(this.db, importId, summary);
    }
    await writeImportReports(this.db, this.config, importId, source.header);
    await finishImportRecord(this.db, importId, status, error);
    if (this.notifier) await this.notifier.importEnded(importId).catch(() => undefined);
  }

  /** The items file's failures: its columns and `error`, UTF-8 with BOM, formula-safe. */
  private async writeItemFailures(
    importId: string,
    source: TmallStoredSource,
    scratch: TmallScratch,
  ): Promise<number> {
    const out = fs.createWriteStream(itemFailureFilePath(this.config, importId), { mode: PRIVATE_FILE_MODE });
    const csv = stringify({ bom: true });
    // A file that cannot be written (a full disk) fails the pipeline and the waits below, as the order
    // failure file does (failure-file.ts); piped alone its error went unhandled and the import hung.
    const written = pipeline(csv, out);
    written.catch(() => undefined);
    const header = source.items.header;
    csv.write([...header, 'error'].map(protectCell));
    let count = 0;
    for (const stray of scratch.strayItems()) {
      const cells = stray.cells.slice(0, header.length);
      while (cells.length < header.length) cells.push('');
      if (!csv.write([...cells, `row ${stray.rowNumber}: ${stray.reason}`].map(protectCell)))
        await Promise.race([once(csv, 'drain'), written]);
      count++;
    }
    csv.end();
    await written;
    return count;
  }
}

export function itemFailureFilePath(config: Pick<ImportConfig, 'dataDir'>, importId: string): string {
  return path.join(importDir(config, importId), 'item-failures.csv');
}

/**
 * The order number of an orders-file row for pass 1 (the row itself is read in pass 2): the same
 * reading as `readTmallOrderRow`'s, without mapping the rest of the row a million times.
 */
function readTmallOrderNumber(raw: string | undefined): string | null {
  const number = parseSourceId(raw);
  return number.ok ? number.value : null;
}

// The three-digit mobile prefixes whose every number libphonenumber's metadata accepts (checked against
// it); numbers of other prefixes take the normaliser's own path.
const CN_MOBILE =
  /^(?:\+?86)?((?:13[0-9]|14[57]|15[0-35-9]|16[2567]|17[0-35-8]|18[0-9]|19[0-35-9])[0-9]{8})$/;

/**
 * Every phone goes through the one normaliser; a plain mainland mobile (the common case of a Tmall
 * report, a million times in a large one) is E.164 without libphonenumber's cost. The check keeps
 * only prefixes libphonenumber accepts whole.
 */
export function normalizeTmallPhone(value: string, region: ImportSettings['region']): string {
  const compact = value.replace(/[\s-]/g, '');
  const mobile = region === 'CN' ? CN_MOBILE.exec(compact) : null;
  if (mobile) return `+86${mobile[1]}`;
  return normalizePhone(value, region, '联系手机');
}

const jsonText = (value: string | null) => (value === null ? 'null' : JSON.stringify(value));
const jsonNumber = (value: number | null) =>
  value !== null && Number.isFinite(value) ? String(value) : 'null';

/**
 * The purchase event's data, the JSON text written by hand (a million times in a large import: no
 * object per event and per item to stringify): the order, its amount and its first 20 items.
 */
export function purchaseEventData(
  orderId: string,
  order: TmallOrderRow,
  status: string,
  items: readonly TmallItemRow[],
): string {
  let list = '';
  for (let k = 0; k < items.length && k < 20; k++) {
    const i = items[k]!;
    list += `${k === 0 ? '' : ','}{"title":${jsonText(i.title)},"quantity":${jsonNumber(i.quantity)},"unit_price":${jsonText(centsToDecimal(i.priceCents))}}`;
  }
  return (
    `{"order_id":${jsonText(orderId)},"source":"tmall","order_number":${jsonText(order.orderNumber)},` +
    `"status":${jsonText(status)},"amount":${jsonText(centsToDecimal(order.paidCents ?? order.totalCents))},` +
    `"currency":"CNY","shop_name":${jsonText(order.shopName)},"items":[${list}],"item_count":${items.length}}`
  );
}

/** The numbers of the order's phone cell, its phone first (empty when it gives no usable number). */
function phonesOf(order: TmallOrderRow): string[] {
  return order.phone ? [order.phone, ...order.otherPhones] : [];
}

/** A buyer created from an order: the receiver's name, phone (and other phones), nickname and where they live. */
function buyerState(order: TmallOrderRow, settings: ImportSettings): ContactState {
  const state = emptyContactState();
  const name = order.receiverName && !/[*＊]/u.test(order.receiverName) ? order.receiverName : null;
  state.name = name;
  state.phone = order.phone;
  state.additional_phones = [...order.otherPhones];
  state.province = order.address.province;
  state.city = order.address.city;
  state.address = order.address.address;
  state.postcode = order.address.postcode;
  state.initial_source = 'tmall';
  state.tags = [...settings.tags];
  if (order.buyerNick) state.identities = { [TAOBAO_NICK_IDENTITY]: order.buyerNick };
  return state;
}
