/**
 * Background exports: an export of contacts (ContactExportService) or orders (OrderExportService) run
 * as a durable job that writes the file under KITH_DATA_DIR/exports, reports its rows as it goes, and
 * keeps the file KITH_EXPORT_RETENTION_DAYS days for its requester (or an administrator) to download;
 * the requester gets an e-mail with the link when SMTP is configured. Requests, completions and
 * downloads are audit-logged (entity `export`): who took which customers' data out is on record.
 */
import { z } from 'zod';
import type { Actor } from '../domain/actor.js';
import {
  failureReason,
  ForbiddenError,
  KithError,
  NotFoundError,
  ValidationError,
} from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { toValidationErrors } from '../domain/zod-validation.js';
import { appendAuditEntry } from '../history/audit-log.js';
import { enqueueJob, type Job } from '../jobs/job-queue.js';
import { type JobContext, JobPausedError, LeaseLostError } from '../jobs/job-runner.js';
import type { Mailer } from '../notifications/mailer.js';
import type { Store } from '../store/database.js';
import type { ExportsTable } from '../store/schema.js';
import { nowIso, type Queryable } from '../store/transaction.js';
import type { ContactExportService } from './contact-export-service.js';
import { EXPORT_CONTENT_TYPES, EXPORT_FORMATS } from './contact-export-service.js';
import type { ExportFileStore } from './export-file-store.js';
import { columnNames } from './export-columns.js';
import { type ExportColumnNaming, exportColumnNaming } from './export-column-names.js';
import { checkTimeZone } from './local-date-time.js';
import { ORDER_EXPORT_FORMATS, type OrderExportService } from './order-export.js';

export const EXPORT_JOB_KIND = 'export';
/** The error of the job of an export deleted while queued or running. */
const STOPPED_BY_DELETE = 'the export was deleted before it finished';
export const EXPORT_KINDS = ['contacts', 'orders'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/**
 * queued → running → done (file ready) | failed; done becomes expired once the file is pruned. Any of them
 * becomes deleted when its requester or an administrator deletes it (a queued or running one is stopped).
 */
export type ExportState = 'queued' | 'running' | 'done' | 'failed' | 'expired' | 'deleted';

export interface ExportJob {
  id: string;
  kind: ExportKind;
  format: string;
  /** The filters the export was asked with (as the list takes them). */
  filters: Record<string, unknown>;
  /** The columns asked for (contacts), or null: every column. */
  columns: string[] | null;
  /** What the header calls the columns (contacts, CSV and XLSX). */
  column_names: ExportColumnNaming;
  /** The zone of the moments in an export for people, or null. */
  time_zone: string | null;
  state: ExportState;
  /** Rows written so far (running) or in the file (done). */
  rows: number;
  bytes: number | null;
  error: string | null;
  file_name: string;
  requested_by: string | null;
  created_at: string;
  finished_at: string | null;
  /** When the file is deleted (done), or was (expired). */
  expires_at: string | null;
  /** Where the file is downloaded (done only). */
  download_url: string | null;
  /** When the export was deleted (its file removed before it expired), or null. */
  deleted_at: string | null;
}

export interface ExportRequest {
  kind?: string;
  format?: string;
  filters?: unknown;
  columns?: string | string[] | null;
  column_names?: string | null;
  time_zone?: string | null;
}

/** Who asks: the requester may see and download their own exports, an administrator everyone's. */
export interface ExportViewer {
  id: string;
  role: string;
}

export interface ExportJobConfig {
  publicUrl: string | null;
  port: number;
  exportRetentionDays: number;
  /** Exports one user may have queued, running or kept at once (KITH_MAX_EXPORTS_PER_USER, 20). */
  maxExportsPerUser: number;
}

const text = z.string().max(2000);
/** The customers list's filters (see ContactListQuery), as a background export takes them. */
const ContactFilters = z.strictObject({
  q: text.optional(),
  tag: text.optional(),
  group: text.optional(),
  import: text.optional(),
  initial_source: text.optional(),
  created_since: text.optional(),
  created_before: text.optional(),
  updated_since: text.optional(),
  updated_before: text.optional(),
  min_orders: z.union([text, z.number()]).optional(),
  max_orders: z.union([text, z.number()]).optional(),
  min_total_spent: text.optional(),
  max_total_spent: text.optional(),
  last_order_since: text.optional(),
  last_order_before: text.optional(),
  ids: z.union([z.array(z.string()).max(1000, 'must name at most 1000 contacts'), text]).optional(),
  attributes: z.record(z.string(), z.string()).optional(),
});
/** The orders list's filters (see OrderFilter). */
const OrderFilters = z.strictObject({
  contact_id: text.optional(),
  status: z.union([z.array(z.string()), text]).optional(),
  source: text.optional(),
  since: text.optional(),
  before: text.optional(),
  min_amount: text.optional(),
  max_amount: text.optional(),
  q: text.optional(),
});

type ExportRow = ExportsTable;
interface StoredRequest {
  filters: Record<string, unknown>;
  columns: string[] | null;
  /** Absent in exports asked for before there was a choice: keys. */
  column_names?: ExportColumnNaming;
  time_zone?: string | null;
}

const dropEmptyFilters = (filters: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== '' && v !== null));

/** The filters that select something: no empty lists or maps either (the CLI's filter has every key). */
const filtersOnRecord = (filters: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(dropEmptyFilters(filters)).filter(
      ([, v]) => typeof v !== 'object' || Object.keys(v as object).length > 0,
    ),
  );

/** `columns` as asked (a list, or the query string's comma-separated text); null: every column. */
const columnsAsked = (columns: string | string[] | null | undefined): string[] | null => {
  const names = columnNames(columns);
  return names.length === 0 ? null : names;
};

export class ExportJobService {
  constructor(
    private readonly store: Store,
    private readonly contactExports: ContactExportService,
    private readonly orderExports: OrderExportService,
    private readonly files: ExportFileStore,
    private readonly mailer: Mailer | null,
    private readonly config: ExportJobConfig,
  ) {}

  private get db() {
    return this.store.db;
  }

  private get base(): string {
    return this.config.publicUrl ?? `http://localhost:${this.config.port}`;
  }

  /**
   * Checks the request (kind, format, filters, columns: a refusal names the field) by preparing the
   * export — nothing is queued for a request that could not run — then queues its job.
   */
  async start(request: ExportRequest, viewer: ExportViewer, actor: Actor): Promise<ExportJob> {
    const kind = (request.kind ?? 'contacts') as ExportKind;
    if (!(EXPORT_KINDS as readonly string[]).includes(kind))
      throw new ValidationError('kind', request.kind, `must be one of ${EXPORT_KINDS.join(', ')}`);
    // Contacts exports are for administrators (as GET /api/contacts/export); orders agents may read.
    if (kind === 'contacts' && viewer.role !== 'admin')
      throw new ForbiddenError('exporting customers needs the admin role');
    const formats: readonly string[] = kind === 'contacts' ? EXPORT_FORMATS : ORDER_EXPORT_FORMATS;
    if (typeof request.format !== 'string' || !formats.includes(request.format))
      throw new ValidationError('format', request.format ?? null, `must be one of ${formats.join(', ')}`);
    const schema = kind === 'contacts' ? ContactFilters : OrderFilters;
    const parsed = schema.safeParse(request.filters ?? {});
    if (!parsed.success) throw toValidationErrors('filters', request.filters, parsed.error, schema);
    if (kind === 'orders' && request.columns != null && request.columns.length > 0)
      throw new ValidationError('columns', request.columns, 'orders exports have fixed columns');
    const columns = columnsAsked(request.columns);
    const columnNaming = exportColumnNaming(request.column_names);
    if (kind === 'orders' && columnNaming !== 'keys')
      throw new ValidationError(
        'column_names',
        request.column_names,
        'orders exports name their columns by key',
      );
    const filters = dropEmptyFilters(parsed.data);
    // The orders list takes statuses as a list; the query string's comma-separated form is accepted too.
    if (typeof filters.status === 'string')
      filters.status = filters.status.split(',').filter((s) => s.trim() !== '');
    const stored: StoredRequest = {
      filters,
      columns,
      column_names: columnNaming,
      time_zone: request.time_zone ? checkTimeZone('time_zone', request.time_zone) : null,
    };
    await this.prepare(kind, request.format, stored);

    const id = newId('export');
    const at = nowIso();
    const format = request.format;
    await this.db.transaction().execute(async (trx) => {
      await this.checkRoom(trx, viewer.id, at);
      const jobId = await enqueueJob(trx, EXPORT_JOB_KIND, id);
      await trx
        .insertInto('exports')
        .values({
          id,
          kind,
          format,
          request: JSON.stringify(stored),
          requested_by: viewer.id,
          job_id: jobId,
          file_name: `${kind}-${at.slice(0, 10)}.${format}`,
          rows: null,
          bytes: null,
          created_at: at,
          finished_at: null,
          expires_at: null,
          pruned_at: null,
          deleted_at: null,
          deleted_by: null,
        })
        .execute();
      await appendAuditEntry(trx, {
        entityType: 'export',
        entityId: id,
        action: 'requested',
        changes: [
          { field: 'kind', old: null, new: kind },
          { field: 'format', old: null, new: format },
          { field: 'filters', old: null, new: stored.filters },
          { field: 'columns', old: null, new: columns },
          { field: 'column_names', old: null, new: columnNaming },
          { field: 'time_zone', old: null, new: stored.time_zone },
        ],
        actor,
        at,
      });
    });
    return this.get(id, viewer);
  }

  /**
   * Each export writes a file kept KITH_EXPORT_RETENTION_DAYS: one user asking again and again could
   * fill the disk with copies of the whole store. Past `maxExportsPerUser` exports of theirs queued,
   * running or kept (not failed, not expired, not deleted), a new one is refused: 429 too_many_exports.
   */
  private async checkRoom(trx: Queryable, userId: string, now: string): Promise<void> {
    const limit = this.config.maxExportsPerUser;
    const open = await trx
      .selectFrom('exports as e')
      .innerJoin('jobs as j', 'j.id', 'e.job_id')
      .select(['e.expires_at', 'e.created_at'])
      .where('e.requested_by', '=', userId)
      .where('e.pruned_at', 'is', null)
      .where('e.deleted_at', 'is', null)
      .where('j.state', '!=', 'failed')
      .where((eb) => eb.or([eb('e.expires_at', 'is', null), eb('e.expires_at', '>', now)]))
      .orderBy('e.expires_at')
      .limit(limit)
      .execute();
    if (open.length < limit) return;
    const oldest = open.find((row) => row.expires_at !== null)?.expires_at ?? null;
    throw new KithError(
      'too_many_exports',
      `you have ${open.length} exports being written or kept for download, and the limit is ${limit} per user (KITH_MAX_EXPORTS_PER_USER); ${oldest ? `wait until the oldest file expires at ${oldest}` : 'wait until one of them is written and has expired'} (files are kept ${this.config.exportRetentionDays} days), or have an administrator raise the limit`,
      429,
      { limit, open: open.length, oldest_expires_at: oldest },
    );
  }

  private prepare(kind: ExportKind, format: string, request: StoredRequest) {
    if (kind === 'orders') return this.orderExports.prepare({ format, query: request.filters });
    return this.contactExports.prepare({
      format,
      query: request.filters,
      columns: request.columns ?? undefined,
      column_names: request.column_names ?? 'keys',
      time_zone: request.time_zone,
    });
  }

  /**
   * Newest first: an administrator sees every export, anyone else their own orders exports (a customers
   * export they asked for as an administrator is no longer theirs once they are not one).
   */
  async list(viewer: ExportViewer, limit = 50): Promise<ExportJob[]> {
    let query = this.selectExports();
    if (viewer.role !== 'admin')
      query = query.where('e.requested_by', '=', viewer.id).where('e.kind', '!=', 'contacts');
    const rows = await query.orderBy('e.created_at', 'desc').orderBy('e.id', 'desc').limit(limit).execute();
    return rows.map((r) => this.exportOf(r));
  }

  async get(id: string, viewer: ExportViewer): Promise<ExportJob> {
    const row = await this.selectExports().where('e.id', '=', id).executeTakeFirst();
    // Someone else's export is as unknown to a non-administrator as one that does not exist.
    if (!row || (viewer.role !== 'admin' && row.requested_by !== viewer.id))
      throw new NotFoundError('export', id);
    // Customers exports are for administrators, also the ones asked for before a change of role.
    if (row.kind === 'contacts' && viewer.role !== 'admin')
      throw new ForbiddenError('exports of customers are for administrators; this user is no longer one');
    return this.exportOf(row);
  }

  /**
   * Puts a streamed export (`GET /api/contacts/export`, `/api/orders/export`, `kith export contacts`)
   * on record as it starts, as a background export's request is: the rows leave whether or not the
   * transfer ends well. No file is kept, so the entry names an export id that has no `exports` row.
   */
  async recordStreamed(
    kind: ExportKind,
    request: {
      format: string;
      filters: Record<string, unknown>;
      columns?: string | string[] | null;
      column_names?: string | null;
    },
    actor: Actor,
  ): Promise<void> {
    await appendAuditEntry(this.db, {
      entityType: 'export',
      entityId: newId('export'),
      action: 'streamed',
      changes: [
        { field: 'kind', old: null, new: kind },
        { field: 'format', old: null, new: request.format },
        { field: 'filters', old: null, new: filtersOnRecord(request.filters) },
        { field: 'columns', old: null, new: columnsAsked(request.columns) },
      ],
      actor,
    });
  }

  /**
   * The file to send, once done and not yet pruned; the download is audit-logged. `headOnly` (a HEAD
   * request: only its headers go out) is not a download to log.
   */
  async download(
    id: string,
    viewer: ExportViewer,
    actor: Actor,
    headOnly = false,
  ): Promise<{ path: string; fileName: string; contentType: string; bytes: number | null }> {
    const job = await this.get(id, viewer);
    if (job.state === 'deleted')
      throw new KithError(
        'export_deleted',
        `export ${id}'s file was deleted on ${job.deleted_at}, before it expired; run the export again`,
        410,
        { id, deleted_at: job.deleted_at },
      );
    if (job.state === 'expired')
      throw new KithError(
        'export_expired',
        `export ${id}'s file was deleted on ${job.expires_at} (files are kept ${this.config.exportRetentionDays} days: KITH_EXPORT_RETENTION_DAYS); run the export again`,
        410,
        { id, expires_at: job.expires_at },
      );
    if (job.state !== 'done' || !this.files.exists(id))
      throw new KithError(
        'export_not_ready',
        `export ${id} is ${job.state}${job.error ? ` (${job.error})` : ''}: its file is downloadable once it is done`,
        409,
        { id, state: job.state },
      );
    if (!headOnly)
      await appendAuditEntry(this.db, {
        entityType: 'export',
        entityId: id,
        action: 'downloaded',
        changes: [],
        actor,
      });
    const contentTypes: Record<string, string> = EXPORT_CONTENT_TYPES;
    return {
      path: this.files.pathOf(id),
      fileName: job.file_name,
      contentType: contentTypes[job.format] ?? 'application/octet-stream',
      bytes: job.bytes,
    };
  }

  /**
   * Deletes an export's file before it expires, for its requester or an administrator (someone else's
   * is as unknown as in `get`). The row stays, `deleted`, so the list and the audit log still say what
   * was exported; it no longer counts towards KITH_MAX_EXPORTS_PER_USER, and its download answers 410.
   * A queued export never runs; a running one is stopped: its job is ended here, and its writer, in
   * whichever process (`kith serve`, `kith worker`), finds the job no longer its own at its next progress
   * report (twice a second) and stops as it does when its lease was lost, removing its `.part`. Deleting
   * a deleted export again changes nothing.
   */
  async delete(id: string, viewer: ExportViewer, actor: Actor): Promise<ExportJob> {
    const job = await this.get(id, viewer);
    if (job.state === 'deleted') return job;
    const at = nowIso();
    await this.db.transaction().execute(async (trx) => {
      const marked = await trx
        .updateTable('exports')
        .set({ deleted_at: at, deleted_by: actor.userId })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .returning('job_id')
        .executeTakeFirst();
      if (!marked) return; // deleted meanwhile by someone else: one entry is enough
      await trx
        .updateTable('jobs')
        .set({ state: 'failed', last_error: STOPPED_BY_DELETE, lease_until: null, updated_at: at })
        .where('id', '=', marked.job_id)
        .where('state', 'in', ['queued', 'running'])
        .execute();
      await appendAuditEntry(trx, {
        entityType: 'export',
        entityId: id,
        action: 'deleted',
        changes: [{ field: 'state', old: job.state, new: 'deleted' }],
        actor,
        at,
      });
    });
    // A writer still at work keeps writing into the unlinked `.part` until its next report, then stops.
    this.files.remove(id);
    return this.get(id, viewer);
  }

  private async isDeleted(id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('exports')
      .select('deleted_at')
      .where('id', '=', id)
      .executeTakeFirst();
    return !row || row.deleted_at !== null;
  }

  /**
   * The job: writes the file from the start (a run taken over after a crash starts again: a `.part`
   * is replaced, never appended to), reports rows as it goes, then makes the file the export's and
   * mails the requester. A failure removes the partial file and mails the requester the reason.
   */
  async run(ctx: JobContext): Promise<void> {
    const row = await this.db
      .selectFrom('exports')
      .selectAll()
      .where('id', '=', ctx.job.subject_id)
      .executeTakeFirst();
    if (!row || row.deleted_at !== null) return; // removed or deleted before it ran: nothing to write
    const request = JSON.parse(row.request) as StoredRequest;
    let written = 0;
    try {
      const prepared = await this.prepare(row.kind as ExportKind, row.format, request);
      const { stream } = this.files.open(row.id);
      let reporting: Promise<void> | null = null;
      let reportFailure: unknown = null;
      // writeTo calls back after every page; one report at a time (the runner keeps it to 2 a second).
      const onProgress = (rows: number) => {
        written = rows;
        // The runner was paused (a server stopping) or lost the job: stop writing after this page, not
        // after the whole file, which the next run writes again from the top anyway.
        if (ctx.stopRequested()) throw new JobPausedError(ctx.job.id);
        if (reportFailure) throw reportFailure;
        if (reporting) return;
        reporting = (async () => {
          await ctx.renewLease();
          await ctx.reportProgress({ rows });
        })()
          .catch((e: unknown) => {
            reportFailure = e;
          })
          .finally(() => {
            reporting = null;
          });
      };
      try {
        written = await prepared.writeTo(stream, onProgress);
        await reporting;
        if (reportFailure) throw reportFailure;
      } catch (e) {
        stream.destroy();
        throw e;
      }
      const bytes = this.files.complete(row.id);
      const at = nowIso();
      const expiresAt = new Date(Date.now() + this.config.exportRetentionDays * 86_400_000).toISOString();
      const kept = await this.db.transaction().execute(async (trx) => {
        const done = await trx
          .updateTable('exports')
          .set({ rows: written, bytes, finished_at: at, expires_at: expiresAt })
          .where('id', '=', row.id)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (Number(done.numUpdatedRows) === 0) return false;
        await appendAuditEntry(trx, {
          entityType: 'export',
          entityId: row.id,
          action: 'completed',
          changes: [
            { field: 'rows', old: null, new: written },
            { field: 'bytes', old: null, new: bytes },
          ],
          actor: { userId: row.requested_by, channel: 'system', channelRef: ctx.job.id },
          at,
        });
        return true;
      });
      // Deleted as it was being finished: the file goes, and the job is no longer this run's.
      if (!kept) throw new LeaseLostError(ctx.job.id);
      await ctx.reportProgress({ rows: written, bytes }, { final: true });
      await this.mail(row, { rows: written, bytes, expiresAt });
    } catch (e) {
      // Deleted while it was written (its job ended by the delete, its file removed): stop, and say
      // nothing more — neither a failure on record nor a mail. The runner leaves the job as it is.
      if (await this.isDeleted(row.id)) {
        this.files.remove(row.id);
        throw e instanceof LeaseLostError ? e : new LeaseLostError(ctx.job.id);
      }
      // Another worker took the job over: the file is now its to write.
      if (e instanceof LeaseLostError) throw e;
      this.files.remove(row.id);
      await this.db
        .updateTable('exports')
        .set({ rows: written, finished_at: nowIso() })
        .where('id', '=', row.id)
        .execute();
      await this.mail(row, { error: failureReason(e), rows: written });
      throw e;
    }
  }

  /**
   * The job runner gave an export's job up: the process writing it kept dying (killed, out of memory)
   * before it finished. Ended as a failed export is (its partial file removed, its requester mailed the
   * reason); answers the reason, which the export shows as its error.
   */
  async givenUp(job: Job, stops: number): Promise<string> {
    const reason = `the process writing this export stopped ${stops} times before it finished (killed, or out of memory); it was not retried again`;
    const row = await this.db
      .selectFrom('exports')
      .selectAll()
      .where('id', '=', job.subject_id)
      .executeTakeFirst();
    if (!row || row.finished_at !== null) return reason;
    const progress = (job.progress ? JSON.parse(job.progress) : null) as { rows?: number } | null;
    const rows = progress?.rows ?? 0;
    this.files.remove(row.id);
    await this.db
      .updateTable('exports')
      .set({ rows, finished_at: nowIso() })
      .where('id', '=', row.id)
      .execute();
    await this.mail(row, { error: reason, rows });
    return reason;
  }

  /** Deletes the files of exports past their expiry (the rows stay, shown as expired); how many. */
  async prune(now = new Date()): Promise<number> {
    const due = await this.db
      .selectFrom('exports')
      .select('id')
      .where('expires_at', '<=', now.toISOString())
      .where('pruned_at', 'is', null)
      .where('deleted_at', 'is', null)
      .execute();
    for (const { id } of due) {
      this.files.remove(id);
      await this.db.updateTable('exports').set({ pruned_at: nowIso() }).where('id', '=', id).execute();
    }
    return due.length;
  }

  /** Tells the requester the export is ready (or why it failed); a mail that cannot be sent is no failure. */
  private async mail(
    row: ExportRow,
    outcome: { rows: number; bytes?: number; expiresAt?: string; error?: string },
  ): Promise<void> {
    if (!this.mailer || !row.requested_by) return;
    const user = await this.db
      .selectFrom('users')
      .select('email')
      .where('id', '=', row.requested_by)
      .executeTakeFirst();
    if (!user) return;
    const what = `${row.kind} (${row.format.toUpperCase()})`;
    const lines = outcome.error
      ? [
          `Your export of ${what} failed after ${outcome.rows} rows: ${outcome.error}`,
          '',
          `Your exports: ${this.base}/exports`,
        ]
      : [
          `Your export of ${what} is ready: ${outcome.rows} rows, ${outcome.bytes} bytes.`,
          '',
          `Download ${row.file_name} (until ${outcome.expiresAt}):`,
          `${this.base}/api/exports/${row.id}/file`,
          '',
          `Your exports: ${this.base}/exports`,
        ];
    try {
      await this.mailer.send({
        to: user.email,
        subject: outcome.error
          ? `Kith export failed: ${row.file_name}`
          : `Kith export ready: ${row.file_name} — ${outcome.rows} rows`,
        text: lines.join('\n'),
      });
    } catch {
      // The export is done whether or not the mail went out; the Exports list shows it.
    }
  }

  private selectExports() {
    return this.db
      .selectFrom('exports as e')
      .innerJoin('jobs as j', 'j.id', 'e.job_id')
      .selectAll('e')
      .select(['j.state as job_state', 'j.progress as job_progress', 'j.last_error as job_error']);
  }

  private exportOf(
    row: ExportRow & { job_state: string; job_progress: string | null; job_error: string | null },
  ): ExportJob {
    const request = JSON.parse(row.request) as StoredRequest;
    const progress = (row.job_progress ? JSON.parse(row.job_progress) : null) as { rows?: number } | null;
    const state: ExportState =
      row.deleted_at !== null
        ? 'deleted'
        : row.pruned_at !== null
          ? 'expired'
          : row.job_state === 'done' || row.job_state === 'failed' || row.job_state === 'running'
            ? row.job_state
            : 'queued';
    return {
      id: row.id,
      kind: row.kind as ExportKind,
      format: row.format,
      filters: request.filters,
      columns: request.columns,
      column_names: request.column_names ?? 'keys',
      time_zone: request.time_zone ?? null,
      state,
      rows: Number(row.rows ?? progress?.rows ?? 0),
      bytes: row.bytes === null ? null : Number(row.bytes),
      // A job ended by the delete has no error to show: the state says it.
      error: row.deleted_at !== null && row.job_error === STOPPED_BY_DELETE ? null : row.job_error,
      file_name: row.file_name,
      requested_by: row.requested_by,
      created_at: row.created_at,
      finished_at: row.finished_at,
      expires_at: row.expires_at,
      download_url: state === 'done' ? `/api/exports/${row.id}/file` : null,
      deleted_at: row.deleted_at,
    };
  }
}
