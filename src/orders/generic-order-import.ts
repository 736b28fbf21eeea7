/**
 * Runs one generic order import job: a CSV/XLSX of orders from any shop, through a mapping like the
 * contact import's. Pass 1 reads the file once and spills each row, keyed by its order number, to a
 * scratch file (the rows of one order number are one order, wherever they are in the file). Pass 2
 * takes the orders in the order their first rows come, 1,000 at a time: map and merge their rows
 * (pure, src/orders/generic/order-mapping.ts), match customers through identifyContact's owner lookup
 * and rule (id > identity > phone > email), create the customers nobody owns, and write the batch with
 * the Tmall import's writer — one transaction per batch with its checkpoint, so a resumed job goes on
 * after the last committed batch. Counts are orders: `rows = created + updated + unchanged + failed`.
 */
import { databaseFailure } from '../imports/apply/write-conflicts.js';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Selectable } from 'kysely';
import { findKeyOwners } from '../contacts/identify-contact.js';
import type { ContactWriter } from '../contacts/contact-writer.js';
import { IdentityTypeService } from '../customization/identity-type-service.js';
import type { Actor } from '../domain/actor.js';
import { emptyContactState, type ContactState } from '../domain/contact/contact-fields.js';
import { identifyByKeys, identityKey } from '../domain/contact/identify-rule.js';
import { ConflictError, failureReason } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import {
  importDir,
  type ImportConfig,
  type ImportNotifier,
  type StoredSource,
  writeImportReports,
  endStoppedImport,
} from '../imports/contact-import-pipeline.js';
import type { GenericOrderImportSummary } from '../imports/import-service.js';
import {
  finishImportRecord,
  type ImportBatchCounts,
  importCountsBefore,
  importProgress,
  importStillToRun,
  markImportRunning,
  readImportRecord,
  setImportTotal,
} from '../imports/import-records.js';
import type { ImportSettings } from '../imports/import-settings.js';
import { wellKnownIdentity } from '../imports/map/well-known-identities.js';
import { readSourceRecords } from '../imports/read/source-reader.js';
import { type JobContext, LeaseLostError } from '../jobs/job-runner.js';
import type { Store } from '../store/database.js';
import { ensurePrivateFile, makePrivateDir } from '../store/private-files.js';
import type { OrdersTable } from '../store/schema.js';
import { nowIso, type Queryable } from '../store/transaction.js';
import {
  genericOrderContent,
  type GenericOrderRow,
  mergeOrderRows,
  type OrderMapping,
  type OrderReadOptions,
  type OrderRowReading,
  readOrderRow,
} from './generic/order-mapping.js';
import { commitOrderBatch, emptyOrderBatchPlan } from './order-batch-writer.js';
import { GroupService } from '../segments/group-service.js';
import { orderContentHash, purchaseTime } from './order-record.js';
import {
  failedOrderRow,
  type OrderOutcome,
  type OrderRowOutcome,
  writtenOrderRow,
} from './order-import-outcome.js';
import { centsToDecimal, isMasked, parseSourceId } from './tmall/tmall-quirks.js';
import { PURCHASE_STATUSES } from './tmall/tmall-status.js';

export const ORDER_IMPORT_JOB_KIND = 'order_import';
export const ORDER_IMPORT_KIND = 'orders';
const BATCH_ORDERS = 1000;

/** What a generic order import keeps of its file and settings beyond the contact import's. */
export interface OrderFileSource extends StoredSource {
  order: {
    /** The orders' `source`: `csv` or the name given. */
    source: string;
    utcOffsetMinutes: number;
    currency: string;
  };
}

/** Pass 1 on disk: every row by its order number, then the orders in the order of their first row. */
class OrderRowScratch {
  private readonly db: Database.Database;
  private readonly add: Database.Statement;
  private pending = 0;

  constructor(private readonly file: string) {
    fs.rmSync(file, { force: true });
    ensurePrivateFile(file);
    this.db = new Database(file);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.exec('create table rows (key text not null, row integer not null, cells text not null)');
    this.add = this.db.prepare('insert into rows (key, row, cells) values (?, ?, ?)');
    this.db.exec('begin');
  }

  row(key: string, rowNumber: number, cells: string[]): void {
    this.add.run(key, rowNumber, JSON.stringify(cells));
    if (++this.pending >= 50_000) {
      this.db.exec('commit; begin');
      this.pending = 0;
    }
  }

  /** Indexes; answers how many orders there are. */
  settle(): number {
    this.db.exec('commit');
    this.db.exec(`create index rows_key on rows (key, row);
      create table firsts as select key, min(row) as first from rows group by key;
      create index firsts_first on firsts (first);`);
    return (this.db.prepare('select count(*) as n from firsts').get() as { n: number }).n;
  }

  /** The next orders after `afterRow` (their first row), each with its rows in file order. */
  next(afterRow: number, limit: number): { first: number; rows: { rowNumber: number; cells: string[] }[] }[] {
    const firsts = this.db
      .prepare('select key, first from firsts where first > ? order by first limit ?')
      .all(afterRow, limit) as { key: string; first: number }[];
    if (firsts.length === 0) return [];
    const rows = this.db
      .prepare(`select key, row, cells from rows where key in (select value from json_each(?)) order by row`)
      .all(JSON.stringify(firsts.map((f) => f.key))) as { key: string; row: number; cells: string }[];
    const byKey = new Map<string, { rowNumber: number; cells: string[] }[]>();
    for (const r of rows) {
      const list = byKey.get(r.key) ?? [];
      list.push({ rowNumber: r.row, cells: JSON.parse(r.cells) as string[] });
      byKey.set(r.key, list);
    }
    return firsts.map((f) => ({ first: f.first, rows: byKey.get(f.key) ?? [] }));
  }

  close(): void {
    this.db.close();
    fs.rmSync(this.file, { force: true });
  }
}

/** The keys a new customer is found by within one batch (before the batch is written). */
function batchKeys(order: GenericOrderRow): string[] {
  return [
    ...Object.entries(order.customer.identities).map(([t, v]) => `i:${identityKey(t, v)}`),
    ...order.customer.phones.map((p) => `p:${p}`),
    ...order.customer.emails.map((e) => `e:${e}`),
  ];
}

export class GenericOrderImportPipeline {
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
    const source = JSON.parse(record.source) as OrderFileSource;
    const settings = JSON.parse(record.settings) as ImportSettings;
    const mapping: OrderMapping = new Map(JSON.parse(record.mapping) as [number, string][]);
    const actor: Actor = { userId: record.created_by, channel: 'import', channelRef: importId };
    const options: OrderReadOptions = {
      region: settings.region,
      utcOffsetMinutes: source.order.utcOffsetMinutes,
      defaultCurrency: source.order.currency,
    };
    let scratch: OrderRowScratch | null = null;
    try {
      if (record.cancel_requested) return await this.finish(importId, source, 'cancelled');
      await markImportRunning(this.db, record);
      if (!settings.dryRun) await this.ensureIdentityTypes(mapping, actor);
      const groupId =
        settings.group && !settings.dryRun
          ? await new GroupService(this.store).ensureNamed(settings.group, actor)
          : null;

      // Pass 1: each row under its order number (a row without a readable one is an order of its own).
      makePrivateDir(importDir(this.config, importId));
      scratch = new OrderRowScratch(path.join(importDir(this.config, importId), 'pass1-orders.sqlite'));
      const numberColumn = [...mapping].find(([, t]) => t === 'order_number')![0];
      let fileRows = 0;
      for await (const rec of readSourceRecords(source.path, source, {
        xlsxLimits: this.config.xlsxLimits,
      })) {
        if (rec.rowNumber <= (source.headerRow ?? 0)) continue;
        if (rec.cells.every((c) => c.trim() === '')) continue;
        fileRows++;
        const number = parseSourceId(rec.cells[numberColumn]);
        const key = number.ok && number.value !== null ? `#${number.value}` : `!${rec.rowNumber}`;
        scratch.row(key, rec.rowNumber, rec.cells);
        if (fileRows % 10_000 === 0) await job?.renewLease();
      }
      const totalOrders = scratch.settle();
      const summary: GenericOrderImportSummary = (record.summary ? JSON.parse(record.summary) : null) ?? {
        kind: 'orders',
        source: source.order.source,
        file_rows: fileRows,
        items: { attached: 0 },
        buyers: {
          matched_by_id: 0,
          matched_by_identity: 0,
          matched_by_phone: 0,
          matched_by_email: 0,
          created: 0,
        },
      };
      await setImportTotal(this.db, importId, totalOrders, summary);

      // Pass 2: the orders after the checkpoint (their first row), batch by batch.
      for (;;) {
        const progress = await importProgress(this.db, importId);
        if (progress.cancelRequested) return await this.finish(importId, source, 'cancelled', undefined);
        const orders = scratch.next(progress.checkpointRow, BATCH_ORDERS);
        if (orders.length === 0) break;
        let session = null;
        await this.db.transaction().execute(async (trx) => {
          session = await this.applyBatch(trx, importId, source, mapping, options, orders, {
            settings,
            actor,
            groupId,
          });
        });
        if (session)
          await this.writer.publish(session, { runAutomationRules: settings.runAutomationRules ?? true });
        await job?.renewLease();
        await new Promise((resolve) => setImmediate(resolve));
      }
      await this.finish(importId, source, 'completed');
    } catch (e) {
      if (e instanceof LeaseLostError) throw e;
      // Kith's own reasons as they are; any other error in words, its text only in the log.
      const reason = databaseFailure(e) ?? failureReason(e);
      await this.finish(importId, source, 'failed', reason);
      throw e;
    } finally {
      scratch?.close();
    }
  }

  /** Well-known identity types the mapping names (wechat_openid, taobao …) are created on first use. */
  private async ensureIdentityTypes(mapping: OrderMapping, actor: Actor): Promise<void> {
    const identities = new IdentityTypeService(this.db);
    const defined = await identities.keys();
    for (const target of new Set(mapping.values())) {
      if (!target.startsWith('identity.')) continue;
      const key = target.slice('identity.'.length);
      const known = wellKnownIdentity(key);
      if (defined.has(key) || !known) continue;
      await identities.create({ key, label: known.label }, actor).catch((e: unknown) => {
        if (!(e instanceof ConflictError)) throw e; // another import created it first
      });
    }
  }

  private async applyBatch(
    trx: Queryable,
    importId: string,
    source: OrderFileSource,
    mapping: OrderMapping,
    options: OrderReadOptions,
    orders: { first: number; rows: { rowNumber: number; cells: string[] }[] }[],
    ctx: { settings: ImportSettings; actor: Actor; groupId: string | null },
  ) {
    const { settings, actor } = ctx;
    const current = await importCountsBefore(trx, importId, orders[0]!.first);
    const summary = JSON.parse(current.summary!) as GenericOrderImportSummary;
    const at = nowIso();
    const counts: ImportBatchCounts = { created: 0, updated: 0, unchanged: 0, failed: 0 };
    const outcomes: OrderRowOutcome[] = [];
    // A failed order lists every one of its rows in the failure file; it counts once.
    const fail = (rows: { rowNumber: number; cells: string[] }[], reason: string) => {
      for (const r of rows) outcomes.push(failedOrderRow(importId, r.rowNumber, r.cells, reason));
      counts.failed++;
    };

    const valid: { first: number; order: GenericOrderRow }[] = [];
    for (const o of orders) {
      const readings: { rowNumber: number; reading: OrderRowReading }[] = [];
      let problem: string | null = null;
      for (const r of o.rows) {
        const reading = readOrderRow(r.cells, source.header, mapping, options);
        if (!reading.ok) {
          problem = o.rows.length > 1 ? `row ${r.rowNumber}: ${reading.reason}` : reading.reason;
          break;
        }
        readings.push({ rowNumber: r.rowNumber, reading: reading.row });
      }
      if (problem !== null) {
        fail(o.rows, problem);
        continue;
      }
      const merged = mergeOrderRows(readings, options);
      if (!merged.ok) fail(o.rows, merged.reason);
      else valid.push({ first: o.first, order: merged.row });
    }
    const rowsOf = new Map(orders.map((o) => [o.first, o.rows]));

    const existing = new Map<string, Selectable<OrdersTable>>();
    if (valid.length > 0)
      for (const o of await trx
        .selectFrom('orders')
        .selectAll()
        .where('source', '=', source.order.source)
        .where(
          'order_number',
          'in',
          valid.map((v) => v.order.orderNumber),
        )
        .execute())
        existing.set(o.order_number, o);

    const fresh = valid.filter((v) => !existing.has(v.order.orderNumber));
    const owners = await findKeyOwners(
      trx,
      fresh.map((v) => ({ ...v.order.customer })),
    );
    /** Customers this batch creates, by each of their keys. */
    const createdByKey = new Map<string, string>();
    const plan = emptyOrderBatchPlan();

    for (const { first, order } of valid) {
      const content = genericOrderContent(source.order.source, order);
      const hash = orderContentHash(content);
      const before = existing.get(order.orderNumber);
      summary.items.attached += order.items.length;
      if (before) {
        if (before.content_hash === hash) {
          outcomes.push(writtenOrderRow(importId, first, 'unchanged', before.contact_id, null));
          counts.unchanged++;
          continue;
        }
        plan.touched.add(before.contact_id);
        plan.orderUpdates.push({ id: before.id, set: { ...content, content_hash: hash, updated_at: at } });
        const outcome: OrderOutcome = { order_id: before.id, before, after_hash: hash };
        outcomes.push(writtenOrderRow(importId, first, 'updated', before.contact_id, outcome));
        counts.updated++;
        continue;
      }
      const identified = identifyByKeys(order.customer, owners);
      let contactId: string | null = null;
      let createdContact: string | undefined;
      if (identified.kind === 'refused') {
        summary.items.attached -= order.items.length;
        fail(rowsOf.get(first)!, `the customer cannot be matched: ${identified.reason}`);
        continue;
      }
      if (identified.kind === 'found') {
        contactId = identified.contactId;
        summary.buyers[`matched_by_${identified.matchedBy}`]++;
      } else {
        const keys = batchKeys(order);
        const earlier = new Set(keys.map((k) => createdByKey.get(k)).filter((id) => id !== undefined));
        if (earlier.size > 1) {
          summary.items.attached -= order.items.length;
          fail(
            rowsOf.get(first)!,
            `the customer cannot be matched: its keys belong to different customers created by this import (${[...earlier].join(', ')})`,
          );
          continue;
        }
        contactId = earlier.values().next().value ?? null;
        if (contactId) {
          const by = keys.find((k) => createdByKey.has(k))!;
          const kind = by.startsWith('i:') ? 'identity' : by.startsWith('p:') ? 'phone' : 'email';
          summary.buyers[`matched_by_${kind}`]++;
        } else {
          contactId = newId('contact');
          createdContact = contactId;
          plan.creates.push({ id: contactId, state: customerState(order, source.order.source, settings) });
          summary.buyers.created++;
        }
        for (const k of keys) createdByKey.set(k, contactId);
      }
      const orderId = newId('order');
      const eventId = newId('event');
      plan.orderInserts.push({
        ...content,
        id: orderId,
        contact_id: contactId,
        import_id: importId,
        content_hash: hash,
        created_at: at,
        updated_at: at,
      });
      const purchase = PURCHASE_STATUSES.includes(order.status);
      if (purchase) {
        plan.purchases.push({
          contactId,
          cents: order.paidCents ?? order.totalCents ?? 0,
          at: order.paidAt ?? order.orderedAt,
        });
        plan.events.push({
          id: eventId,
          contact_id: contactId,
          type: 'purchase',
          occurred_at: purchaseTime({ paid_at: order.paidAt, ordered_at: order.orderedAt }) ?? at,
          actor_id: actor.userId,
          channel: 'import',
          channel_ref: importId,
          data: JSON.stringify({
            order_id: orderId,
            source: source.order.source,
            order_number: order.orderNumber,
            status: order.status,
            amount: centsToDecimal(order.paidCents ?? order.totalCents),
            currency: order.currency,
            shop_name: order.shopName,
            items: order.items.slice(0, 20).map((i) => ({
              title: i.title,
              quantity: i.quantity,
              unit_price: i.unit_price,
            })),
            item_count: order.items.length,
          }),
        });
      }
      plan.members.add(contactId);
      const outcome: OrderOutcome = {
        order_id: orderId,
        event_id: purchase ? eventId : undefined,
        created_contact: createdContact,
      };
      outcomes.push(writtenOrderRow(importId, first, 'created', settings.dryRun ? null : contactId, outcome));
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
        rows: orders.length,
        firstRow: orders[0]!.first,
        lastRow: orders[orders.length - 1]!.first,
        counts,
        summary,
      },
      outcomes,
    });
    return session;
  }

  /**
   * The job runner gave this import's job up: its process kept dying. Ended failed as a contact import
   * is (its counts, of orders, as its committed batches left them).
   */
  givenUp(importId: string, stops: number): Promise<string> {
    return endStoppedImport(this.db, this.config, this.notifier, importId, stops, 'orders');
  }

  private async finish(
    importId: string,
    source: OrderFileSource,
    status: 'completed' | 'failed' | 'cancelled',
    error?: string,
  ): Promise<void> {
    makePrivateDir(importDir(this.config, importId));
    await writeImportReports(this.db, this.config, importId, source.header);
    await finishImportRecord(this.db, importId, status, error);
    if (this.notifier) await this.notifier.importEnded(importId).catch(() => undefined);
  }
}

/** A customer created from an order: the name, keys and the import's source and tags. */
function customerState(order: GenericOrderRow, source: string, settings: ImportSettings): ContactState {
  const state = emptyContactState();
  const [phone, ...phones] = order.customer.phones;
  const [email, ...emails] = order.customer.emails;
  state.name = order.customer.name ?? (isMasked(order.receiverName) ? null : order.receiverName);
  state.phone = phone ?? null;
  state.additional_phones = phones;
  state.email = email ?? null;
  state.additional_emails = emails;
  state.identities = { ...order.customer.identities };
  state.initial_source = source;
  state.tags = [...settings.tags];
  return state;
}
