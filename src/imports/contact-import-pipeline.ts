/**
 * Runs one contact import job: read → map → validate → match → apply → report, over batches of rows.
 * Each batch is one transaction that also records its rows' outcomes, the import's counts and its
 * checkpoint, so a job taken over after a crash resumes after the last committed batch: no contact is
 * created twice and no row is lost, and `rows = created + updated + unchanged + failed` always holds.
 */
import { GroupService } from '../segments/group-service.js';
import fs from 'node:fs';
import path from 'node:path';
import type { Insertable } from 'kysely';
import { findKeyOwners } from '../contacts/identify-contact.js';
import { loadContacts, type NewContact } from '../contacts/contact-repository.js';
import type { ContactUpdate, ContactWriteSession, ContactWriter } from '../contacts/contact-writer.js';
import type { AttributeDefinition } from '../domain/contact/attribute-value.js';
import { emptyContactState } from '../domain/contact/contact-fields.js';
import {
  applyContactPatch,
  diffContactStates,
  type NormalizeContext,
} from '../domain/contact/contact-patch.js';
import type { Actor } from '../domain/actor.js';
import { ConflictError, failureReason } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { AttributeDefinitionService } from '../customization/attribute-definition-service.js';
import { IdentityTypeService } from '../customization/identity-type-service.js';
import { LeaseLostError, type JobContext } from '../jobs/job-runner.js';
import type { Store } from '../store/database.js';
import type { ContactEventsTable, ImportRowsTable, ImportsTable } from '../store/schema.js';
import { makePrivateDir } from '../store/private-files.js';
import { nowIso, type Queryable } from '../store/transaction.js';
import {
  finishImportRecord,
  type ImportEndStatus,
  importCountsBefore,
  importProgress,
  importStillToRun,
  markImportRunning,
  readImportRecord,
  saveImportBatch,
  setImportTotal,
} from './import-records.js';
import type { ImportSettings } from './import-settings.js';
import {
  identityTypesToCreate,
  isZendeskUserHeader,
  type MappingContext,
  type ResolvedMapping,
} from './map/column-mapping.js';
import { wellKnownIdentity } from './map/well-known-identities.js';
import { matchRowToContact } from './match/match-row-to-contact.js';
import { mergeImportPatch, patchForNewContact } from './apply/merge-import-patch.js';
import {
  backoffMs,
  databaseFailure,
  MatchedContactGoneError,
  rowWriteFailure,
  writeConflictOf,
} from './apply/write-conflicts.js';
import type { PreparedRow, RowPreparationInput } from './prepare/prepare-rows.js';
import { RowPreparer } from './prepare/row-preparer.js';
import type { Region } from '../domain/normalize/phone.js';
import type { XlsxLimits } from './read/read-limits.js';
import type { SourceInfo, SourceRecord } from './read/source-reader.js';
import { writeFailureFile, writeWarningFile } from './report/failure-file.js';
import { InFileDuplicateIndex } from './validate/in-file-duplicates.js';
import { type ValidatedRow, withoutSharedValues } from './validate/row-validation.js';

export const BATCH_ROWS = 1000;
/**
 * Tries of a batch that keeps colliding with other writers before it is split in halves, and of each
 * half (down to a single row, which then fails): splitting is itself a retry, with fewer values to clash.
 */
const BATCH_ATTEMPTS = 5;
const SPLIT_ATTEMPTS = 3;

/**
 * The settings imports work with, passed down from the config (`src/services.ts` gives the whole
 * KithConfig, which has them all).
 */
export interface ImportConfig {
  /** Imports keep their files under `<dataDir>/imports/<id>/`. */
  dataDir: string;
  defaultRegion: Region;
  /** Files at least this large are read on a worker thread (KITH_IMPORT_THREAD_MIN_BYTES). */
  importThreadMinBytes: number;
  xlsxLimits: XlsxLimits;
  /**
   * Days an ended import keeps its files before the clean-up deletes them; null: until deleted by hand
   * (KITH_IMPORT_FILE_RETENTION_DAYS; `import-files.ts`).
   */
  importFileRetentionDays: number | null;
}

export interface StoredSource extends SourceInfo {
  /** Path of the stored copy of the uploaded file. */
  path: string;
  /** Row the header was read from when it is not the first; the rows before it are not data. */
  headerRow?: number;
}

export interface ImportNotifier {
  importEnded(importId: string): Promise<void>;
}

type Outcome = Insertable<ImportRowsTable>;

interface Counts {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  /** Rows imported (created, updated or unchanged) with at least one warning. */
  warned: number;
}

export function importDir(config: Pick<ImportConfig, 'dataDir'>, importId: string): string {
  return path.join(config.dataDir, 'imports', importId);
}

export function failureFilePath(config: Pick<ImportConfig, 'dataDir'>, importId: string): string {
  return path.join(importDir(config, importId), 'failures.csv');
}

export function warningFilePath(config: Pick<ImportConfig, 'dataDir'>, importId: string): string {
  return path.join(importDir(config, importId), 'warnings.csv');
}

/**
 * Writes an ending import's failure and warnings files. When they cannot be written (a full disk), the
 * import still ends — else it would stay `running` with no worker, for good — and no half-written
 * report is handed out as whole: both are removed, and written again when asked for.
 */
export async function writeImportReports(
  db: Queryable,
  config: Pick<ImportConfig, 'dataDir'>,
  importId: string,
  header: string[],
): Promise<void> {
  const reports = [failureFilePath(config, importId), warningFilePath(config, importId)] as const;
  try {
    makePrivateDir(importDir(config, importId));
    await writeFailureFile(db, importId, header, reports[0]);
    await writeWarningFile(db, importId, header, reports[1]);
  } catch {
    for (const report of reports) {
      try {
        fs.rmSync(report, { force: true });
      } catch {
        // Not a file of ours (a folder in its place): nothing half-written to remove.
      }
    }
  }
}

/**
 * Why an import stopped, for its record: the cause in plain words and, once rows were counted, which
 * rows it did not get to, since its counts cover only the rows before them (`unit`: what the counts
 * count, rows or orders).
 */
export async function importStopReason(
  db: Queryable,
  importId: string,
  cause: string,
  unit = 'rows',
): Promise<string> {
  const progress = await importProgress(db, importId);
  const left = progress.totalRows === null ? 0 : progress.totalRows - progress.rows;
  if (left <= 0) return cause;
  const after = progress.checkpointRow > 0 ? ` after row ${progress.checkpointRow}` : '';
  return `${cause}; the import stopped after ${progress.rows} of ${progress.totalRows} ${unit}, so the ${left} ${unit}${after} were not imported (import the file again to bring them in: ${unit} already imported come out unchanged)`;
}

/**
 * Ends an import whose job the runner gave up because the process running it kept dying (killed, out
 * of memory) before it finished: failed, saying so and which rows it did not get to, its counts as its
 * committed batches left them, its report files written and its starter told, as any failed import. An
 * import that had already ended (its process died between its end and its job's) stays as it ended.
 * Answers the reason, kept as the job's error too.
 */
export async function endStoppedImport(
  db: Queryable,
  config: Pick<ImportConfig, 'dataDir'>,
  notifier: ImportNotifier | null,
  importId: string,
  stops: number,
  unit = 'rows',
): Promise<string> {
  const record = await readImportRecord(db, importId);
  const cause = `the process running this import stopped ${stops} times before it finished (killed, or out of memory); it was not retried again`;
  if (!record) return cause;
  const { status } = record;
  if (!importStillToRun(record)) return `${cause}; the import had already ended ${status}`;
  const reason = await importStopReason(db, importId, cause, unit);
  await writeImportReports(db, config, importId, (JSON.parse(record.source) as { header: string[] }).header);
  await finishImportRecord(db, importId, 'failed', reason);
  if (notifier) await notifier.importEnded(importId).catch(() => undefined);
  return reason;
}

export class ContactImportPipeline {
  constructor(
    private readonly store: Store,
    /** Contacts are written through the contacts capability's writer (change log, events). */
    private readonly writer: ContactWriter,
    private readonly config: ImportConfig,
    private readonly notifier: ImportNotifier | null = null,
    /** Rows per batch (tests use small batches to make concurrent imports collide often). */
    private readonly options: { batchRows?: number } = {},
  ) {}

  private get db() {
    return this.store.db;
  }

  async run(
    importId: string,
    job: Pick<JobContext, 'renewLease'> | null,
    onProgress?: (row: ImportsTable) => void,
  ): Promise<void> {
    const record = await readImportRecord(this.db, importId);
    if (!importStillToRun(record)) return;
    const source = JSON.parse(record.source) as StoredSource;
    const settings = JSON.parse(record.settings) as ImportSettings;
    const mapping: ResolvedMapping = new Map(JSON.parse(record.mapping) as [number, string][]);
    const actor: Actor = { userId: record.created_by, channel: 'import', channelRef: importId };
    let preparer: RowPreparer | null = null;
    let duplicates: InFileDuplicateIndex | null = null;
    try {
      if (record.cancel_requested) return await this.finish(importId, 'cancelled');
      await markImportRunning(this.db, record);
      const { normalize, mappingCtx } = await this.prepareContext(mapping, settings, actor);
      const groupId =
        settings.group && !settings.dryRun
          ? await new GroupService(this.store).ensureNamed(settings.group, actor)
          : null;
      const preparation: RowPreparationInput = {
        path: source.path,
        source,
        xlsxLimits: this.config.xlsxLimits,
        mapping,
        mappingCtx: {
          ...mappingCtx,
          // Zendesk writes a user's tags apart by spaces in one cell.
          tagsOnSpaces: isZendeskUserHeader(source.header),
        },
        normalize,
        afterRow: source.headerRow ?? 0,
        batchRows: this.options.batchRows ?? BATCH_ROWS,
      };
      // Below about a megabyte, starting a thread costs more than it saves.
      preparer = new RowPreparer({
        thread: fs.statSync(source.path).size >= this.config.importThreadMinBytes,
      });

      // Pass 1: which rows share a customer's key with another row of the file.
      makePrivateDir(importDir(this.config, importId));
      duplicates = new InFileDuplicateIndex(path.join(importDir(this.config, importId), 'pass1-keys.sqlite'));
      let totalRows = 0;
      for await (const batch of preparer.batches('keys', preparation)) {
        await new Promise((resolve) => setImmediate(resolve));
        for (const row of batch) duplicates.add(row.rowNumber, row.keys);
        totalRows += batch.length;
        await job?.renewLease();
      }
      duplicates.settle(settings.onFileDuplicate);
      await setImportTotal(this.db, importId, totalRows);

      // Pass 2: the rows after the checkpoint, batch by batch.
      const batchContext: BatchContext = { settings, actor, groupId, duplicates };
      const rows = preparer.batches('validated', {
        ...preparation,
        afterRow: Math.max(record.checkpoint_row, preparation.afterRow),
      });
      for await (const batch of rows) {
        // Batches prepared ahead arrive without a pause: let the server's requests and timers in.
        await new Promise((resolve) => setImmediate(resolve));
        if ((await importProgress(this.db, importId)).cancelRequested)
          return await this.finish(importId, 'cancelled');
        await this.applyBatchWithRetry(importId, batch, batchContext);
        await job?.renewLease();
        if (onProgress) onProgress((await readImportRecord(this.db, importId))!);
      }
      await this.finish(importId, 'completed');
    } catch (e) {
      if (e instanceof LeaseLostError) throw e;
      await this.finish(importId, 'failed', await this.stopReason(importId, e));
      throw e;
    } finally {
      await preparer?.close();
      duplicates?.close();
    }
  }

  private async finish(importId: string, status: ImportEndStatus, error?: string): Promise<void> {
    const record = (await readImportRecord(this.db, importId))!;
    const header = (JSON.parse(record.source) as StoredSource).header;
    await writeImportReports(this.db, this.config, importId, header);
    await finishImportRecord(this.db, importId, status, error);
    if (this.notifier) await this.notifier.importEnded(importId).catch(() => undefined);
  }

  /** Why the import stopped, for its record (`importStopReason`). */
  private async stopReason(importId: string, error: unknown): Promise<string> {
    // Kith's own reasons as they are; any other error in words (failureReason), its text only in the log.
    return importStopReason(this.db, importId, databaseFailure(error) ?? failureReason(error));
  }

  /** The job runner gave this import's job up: its process kept dying (`endStoppedImport`). */
  givenUp(importId: string, stops: number): Promise<string> {
    return endStoppedImport(this.db, this.config, this.notifier, importId, stops);
  }

  private async prepareContext(mapping: ResolvedMapping, settings: ImportSettings, actor: Actor) {
    const attributes = new AttributeDefinitionService(this.db);
    const definitions = new Map<string, AttributeDefinition>(
      (await attributes.list()).map((d) => [d.key, d]),
    );
    for (const target of mapping.values()) {
      if (!target.startsWith('attr.')) continue;
      const key = target.slice(5);
      if (definitions.has(key) || !settings.createAttributes) continue;
      // A dry run writes nothing: the attribute it would create is only assumed.
      const definition: AttributeDefinition = settings.dryRun
        ? { key, label: key, type: 'text', options: null, description: null }
        : await attributes.create({ key, type: 'text' }, actor).catch(async () => attributes.get(key));
      definitions.set(key, definition);
    }
    const identityService = new IdentityTypeService(this.db);
    const identityTypes = await identityService.keys();
    for (const key of identityTypesToCreate(mapping, identityTypes)) {
      // Well-known types (wechat_openid …) come with the first import that maps them; a dry run assumes.
      if (!settings.dryRun)
        await identityService
          .create({ key, label: wellKnownIdentity(key)?.label ?? key }, actor)
          .catch((e: unknown) => {
            if (!(e instanceof ConflictError)) throw e; // another import created it first
          });
      identityTypes.add(key);
    }
    const normalize: NormalizeContext = {
      region: settings.region,
      identityTypes,
      attributeDefinitions: definitions,
    };
    const mappingCtx: MappingContext = {
      identityTypes,
      attributeTypes: new Map([...definitions].map(([k, d]) => [k, d.type])),
      createAttributes: settings.createAttributes,
    };
    return { normalize, mappingCtx };
  }

  /**
   * Writes a batch. A conflict with another writer (a value taken between lookup and insert, a deadlock)
   * is not the rows' fault: the rows are rolled back, then matched and written again after a back-off.
   * Rows that keep colliding are split in halves, each written (and retried) on its own, down to single
   * rows, so that only a row that still cannot be written fails, with a reason naming what it collided
   * on. Halves commit in file order, each with its own checkpoint, so a resumed job still continues
   * after the last committed row.
   */
  private async applyBatchWithRetry(
    importId: string,
    rows: PreparedRow[],
    ctx: BatchContext,
    attempts = BATCH_ATTEMPTS,
  ): Promise<void> {
    const conflict = await this.writeWithRetry(importId, rows, ctx, attempts);
    if (conflict === null) return;
    if (rows.length > 1) {
      const half = Math.ceil(rows.length / 2);
      await this.applyBatchWithRetry(importId, rows.slice(0, half), ctx, SPLIT_ATTEMPTS);
      await this.applyBatchWithRetry(importId, rows.slice(half), ctx, SPLIT_ATTEMPTS);
      return;
    }
    const row = rows[0]!;
    const reason = row.validation.ok
      ? rowWriteFailure(conflict.error, row.validation.keys)
      : row.validation.reason;
    const failed = new Map([[row.record.rowNumber, reason]]);
    const unrecorded = await this.writeWithRetry(importId, rows, { ...ctx, failed }, SPLIT_ATTEMPTS);
    if (unrecorded !== null) throw unrecorded.error;
  }

  /**
   * Applies the rows in one transaction, trying again after a conflict with another writer up to
   * `attempts` times; answers the last conflict if every try met one. Any other error is thrown.
   */
  private async writeWithRetry(
    importId: string,
    rows: PreparedRow[],
    ctx: BatchContext,
    attempts: number,
  ): Promise<{ error: unknown } | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        let session: ContactWriteSession | null = null;
        await this.db.transaction().execute(async (trx) => {
          session = await this.applyBatch(trx, importId, rows, ctx);
        });
        // After commit: automation rules and webhooks hear of this batch's contacts.
        if (session)
          await this.writer.publish(session, { runAutomationRules: ctx.settings.runAutomationRules ?? true });
        return null;
      } catch (e) {
        if (writeConflictOf(e) === null) throw e;
        if (attempt >= attempts) return { error: e };
        await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
      }
    }
  }

  private async applyBatch(
    trx: Queryable,
    importId: string,
    rows: PreparedRow[],
    ctx: BatchContext,
  ): Promise<ContactWriteSession | null> {
    const records = rows.map((r) => r.record);
    const current = await importCountsBefore(trx, importId, records[0]!.rowNumber);
    const { settings, actor } = ctx;
    const at = nowIso();
    const outcomes: Outcome[] = [];
    const counts: Counts = { created: 0, updated: 0, unchanged: 0, failed: 0, warned: 0 };
    // A row imported with warnings keeps its cells for the warnings file, as a failed row does.
    const warned = (rec: SourceRecord, warnings: string[]) => {
      if (warnings.length === 0) return { warning: null, cells: null };
      counts.warned++;
      return { warning: warnings.join('; '), cells: JSON.stringify(rec.cells) };
    };
    const fail = (rec: SourceRecord, reason: string) => {
      outcomes.push({
        import_id: importId,
        row_number: rec.rowNumber,
        action: 'failed',
        contact_id: null,
        changes: null,
        error: reason,
        warning: null,
        cells: JSON.stringify(rec.cells),
      });
      counts.failed++;
    };

    const valid: { rec: SourceRecord; v: Extract<ValidatedRow, { ok: true }> }[] = [];
    const rowNumbers = records.map((r) => r.rowNumber);
    const sharedKeys = ctx.duplicates.reasonsFor(rowNumbers);
    // A shared phone or e-mail (a switchboard) other values of the row tell apart: left out of it.
    const leftOut = ctx.duplicates.leftOutFor(rowNumbers);
    for (const { record: rec, validation } of rows) {
      const failed = ctx.failed?.get(rec.rowNumber);
      const v = validation.ok
        ? withoutSharedValues(validation, leftOut.get(rec.rowNumber) ?? [])
        : validation;
      if (failed !== undefined) fail(rec, failed);
      else if (!v.ok) fail(rec, v.reason);
      else if (sharedKeys.has(rec.rowNumber)) fail(rec, sharedKeys.get(rec.rowNumber)!);
      else valid.push({ rec, v });
    }
    const owners = await findKeyOwners(
      trx,
      valid.map((x) => x.v.keys),
    );
    const decisions = valid.map((x) => ({ ...x, decision: matchRowToContact(x.v.keys, owners) }));
    const targets = [
      ...new Set(decisions.flatMap((d) => (d.decision.kind === 'update' ? [d.decision.contactId] : []))),
    ];
    const states = await loadContacts(trx, targets, { forUpdate: true });
    // Merged or deleted since the lookup (PostgreSQL re-checks a locked row): match the batch again.
    for (const target of targets) if (!states.has(target)) throw new MatchedContactGoneError(target);

    const creates: NewContact[] = [];
    const updates: ContactUpdate[] = [];
    const events: Insertable<ContactEventsTable>[] = [];
    const members = new Set<string>();
    // The change log (audit) entries come from the writer; the timeline keeps the row number.
    const trail = (contactId: string, rowNumber: number, action: 'created' | 'updated') => {
      events.push({
        id: newId('event'),
        contact_id: contactId,
        type: 'imported',
        occurred_at: at,
        actor_id: actor.userId,
        channel: 'import',
        channel_ref: importId,
        data: JSON.stringify({ import_id: importId, row: rowNumber, action }),
      });
    };

    for (const { rec, v, decision } of decisions) {
      if (decision.kind === 'fail') {
        fail(rec, decision.reason);
        continue;
      }
      if (decision.kind === 'create') {
        const state = applyContactPatch(emptyContactState(), patchForNewContact(v.patch, settings));
        const id = newId('contact');
        creates.push({ id, state });
        if (!settings.dryRun) trail(id, rec.rowNumber, 'created');
        members.add(id);
        outcomes.push({
          import_id: importId,
          row_number: rec.rowNumber,
          action: 'created',
          contact_id: settings.dryRun ? null : id,
          changes: null,
          error: null,
          ...warned(rec, v.warnings),
        });
        counts.created++;
        continue;
      }
      const before = states.get(decision.contactId)!;
      const merged = mergeImportPatch(before, v.patch, settings);
      const after = applyContactPatch(before, merged.patch);
      const changes = diffContactStates(before, after);
      const warning = warned(rec, [...v.warnings, ...merged.warnings]);
      members.add(decision.contactId);
      if (changes.length === 0) {
        outcomes.push({
          import_id: importId,
          row_number: rec.rowNumber,
          action: 'unchanged',
          contact_id: decision.contactId,
          changes: null,
          error: null,
          ...warning,
        });
        counts.unchanged++;
        continue;
      }
      if (!settings.dryRun) {
        updates.push({ before, after, changes });
        trail(decision.contactId, rec.rowNumber, 'updated');
      }
      states.set(decision.contactId, { ...before, ...after });
      outcomes.push({
        import_id: importId,
        row_number: rec.rowNumber,
        action: 'updated',
        contact_id: decision.contactId,
        changes: JSON.stringify(changes),
        error: null,
        ...warning,
      });
      counts.updated++;
    }

    const writer = this.store.rowWriter(trx);
    const session = settings.dryRun
      ? null
      : this.writer.session(trx, { ...actor, channel: 'import', channelRef: importId }, at);
    if (session) {
      await session.create(creates);
      await session.update(updates);
      await writer.insert('contact_events', events);
      if (ctx.groupId && members.size > 0) {
        const rows = [...members].map((contactId) => ({
          group_id: ctx.groupId!,
          contact_id: contactId,
          added_at: at,
        }));
        for (let i = 0; i < rows.length; i += 400) {
          await trx
            .insertInto('contact_group_members')
            .values(rows.slice(i, i + 400))
            .onConflict((oc) => oc.columns(['group_id', 'contact_id']).doNothing())
            .execute();
        }
      }
    }
    await saveImportBatch(
      trx,
      writer,
      importId,
      current,
      {
        rows: records.length,
        firstRow: records[0]!.rowNumber,
        lastRow: records[records.length - 1]!.rowNumber,
        counts,
      },
      outcomes,
    );
    await session?.finish();
    return session;
  }
}

interface BatchContext {
  settings: ImportSettings;
  actor: Actor;
  groupId: string | null;
  duplicates: InFileDuplicateIndex;
  /** Rows that fail with the given reason instead of being written (rows that kept colliding). */
  failed?: ReadonlyMap<number, string>;
}
