/**
 * ImportService: what administrators do with imports — preview a file, start an import (a durable job),
 * follow it, cancel it, read its history, download its files, undo it. The work itself is done by
 * ContactImportPipeline inside a job.
 */
import { readRowReport, type RowReport } from './report/row-report.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ContactWriter } from '../contacts/contact-writer.js';
import { AttributeDefinitionService } from '../customization/attribute-definition-service.js';
import { IdentityTypeService } from '../customization/identity-type-service.js';
import { normalizeGroupName, normalizeNewTagName } from '../domain/contact/contact-patch.js';
import type { Actor } from '../domain/actor.js';
import { KithError, NotFoundError, ValidationError, ValidationErrors } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { assertRegion } from '../domain/normalize/phone.js';
import type { Store } from '../store/database.js';
import { makePrivateDir, restrictToOwner } from '../store/private-files.js';
import type { ImportsTable } from '../store/schema.js';
import { nowIso, type Queryable } from '../store/transaction.js';
import {
  failureFilePath,
  type ImportConfig,
  importDir,
  type StoredSource,
  warningFilePath,
} from './contact-import-pipeline.js';
import { type NewImportRecord, queueImport } from './import-records.js';
import {
  columnsNotImportedWarning,
  type FileWarning,
  plainWarning,
  readWarnings,
  titleRowsWarning,
} from './file-warnings.js';
import {
  type ImportSettings,
  normalizeSourceValue,
  type OnFileDuplicate,
  type SourcePolicy,
} from './import-settings.js';
import {
  type ColumnSuggestion,
  IGNORE,
  type MappingContext,
  MappingError,
  resolveMapping,
  suggestMapping,
  labelTargets,
  uniqueHeader,
} from './map/column-mapping.js';
import { findHeader, HEADER_SEARCH_ROWS, type HeaderRowCandidate } from './map/header-row.js';
import type { Delimiter } from './read/detect-delimiter.js';
import {
  detectEncoding,
  type EncodingGuess,
  type EncodingReading,
  encodingReadings,
  parseEncodingName,
  type TextEncoding,
} from './read/detect-encoding.js';
import { ImportFileError } from './read/import-file-error.js';
import {
  inspectSource,
  type SourceFormat,
  readSourceRecords,
  type SourceInfo,
  type SourceRecord,
} from './read/source-reader.js';
import { reportFileBase, writeFailureFile, writeWarningFile } from './report/failure-file.js';
import { reportColumns, reportKindOf, type ReportKind } from './report/report-columns.js';
import {
  deleteExpiredImportFiles,
  filesExpireAt,
  filesStateOf,
  type ImportFilesState,
  importFilesDeletedError,
  removeImportFiles,
} from './import-files.js';
import { appendAuditEntry } from '../history/audit-log.js';
import { undoImport, type UndoReport } from './undo-import.js';
import { fieldPath } from '../domain/field-path.js';

export const IMPORT_JOB_KIND = 'contact_import';
const PREVIEW_ROWS = 10;

export interface ImportRequest {
  /** A file on local disk (an upload's temporary file or the CLI's argument); Kith keeps a copy. */
  filePath: string;
  fileName: string;
  mapping?: Record<string, string>;
  encoding?: string;
  delimiter?: string;
  sheet?: string;
  /** Row the header is on when it is not the first (exports often start with a title row). */
  headerRow?: number;
  tags?: string[];
  group?: string | null;
  sourcePolicy?: string;
  region?: string;
  createAttributes?: boolean;
  onFileDuplicate?: string;
  dryRun?: boolean;
  runAutomationRules?: boolean;
  /** Source values for the whole file (blank: none), applied under the source policy. */
  initialSource?: string | null;
  initialSourceDetail?: string | null;
  campaign?: string | null;
}

export interface ImportPreview {
  format: SourceFormat;
  encoding: string | null;
  encoding_confidence: EncodingGuess['confidence'] | null;
  /**
   * When the encoding is unsure: each plausible reading with the file's first non-ASCII lines as it
   * reads them, for the user to choose (send its `encoding` back as options.encoding). Empty otherwise.
   */
  encoding_candidates: EncodingReading[];
  delimiter: string | null;
  sheets: string[];
  sheet: string | null;
  header_row: number;
  header: string[];
  rows: string[][];
  row_numbers: number[];
  suggested_mapping: ColumnSuggestion[];
  unmapped_columns: string[];
  warnings: string[];
  /** When the file is the failure or warnings file of an earlier import: that import, to do as it did. */
  earlier_import: EarlierImport | null;
}

/**
 * The customer import whose failure file (or warnings file) a file is: the newest completed import (not
 * a check) with such rows whose columns are the file's without the reason column Kith adds — one the
 * file's name names (`<its id>-failures.csv`, `<its file>-failures.csv`) first. Its mapping and
 * settings, so that the fixed rows go in as the others did.
 */
export interface EarlierImport {
  id: string;
  file_name: string;
  created_at: string;
  report: ReportKind;
  mapping: Record<string, string>;
  settings: ImportSettingsWire;
}

export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** `contacts`, or `tmall_orders` / `orders` (src/orders starts those and registers their undo). */
export type ImportKind = 'contacts' | 'tmall_orders' | 'orders';

/** What a Tmall order import found beyond its counts, which count the orders file's rows. */
export interface TmallOrderImportSummary {
  kind: 'tmall_orders';
  orders_layout: 'classic' | 'current';
  items_file_name: string;
  /** `of_failed_orders`: items of orders that failed (set when the import completes; absent before). */
  items: { rows: number; attached: number; failed: number; of_failed_orders?: number };
  orders_without_items: number;
  buyers: { matched_by_phone: number; matched_by_nick: number; created: number };
  unknown_headers: string[];
}

/** What a generic order import found beyond its counts, which count orders (rows of one number are one). */
export interface GenericOrderImportSummary {
  kind: 'orders';
  /** The orders' source: `csv`, or the name the import was given (`shopify`, `youzan` …). */
  source: string;
  /** Data rows of the file (an order with several item rows is one order). */
  file_rows: number;
  items: { attached: number };
  buyers: {
    matched_by_id: number;
    matched_by_identity: number;
    matched_by_phone: number;
    matched_by_email: number;
    created: number;
  };
}

export type OrderImportSummary = TmallOrderImportSummary | GenericOrderImportSummary;

export interface ImportRecord {
  id: string;
  kind: ImportKind;
  status: ImportStatus;
  dry_run: boolean;
  file_name: string;
  file_size: number;
  format: SourceFormat;
  encoding: string | null;
  delimiter: string | null;
  sheet: string | null;
  mapping: Record<string, string>;
  settings: ImportSettingsWire;
  warnings: string[];
  /** The same warnings in the same order, each with its code and numbers where a screen words it itself. */
  warning_details: FileWarning[];
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  total_rows: number | null;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  /** Rows imported (so counted in created/updated/unchanged) with at least one warning. */
  warned: number;
  error: string | null;
  undone_at: string | null;
  undo_report: UndoReport | null;
  /** A dry run's: the import that imported it for real, once one has been queued. */
  imported_for_real_as: string | null;
  /** What an order import found beyond its counts (items, buyers); null for a contact import. */
  summary: OrderImportSummary | null;
  /** Its files (original, failure and warnings files): kept, expired (the clean-up) or deleted by hand. */
  files_state: ImportFilesState;
  /** When the clean-up deletes them; null while it runs, when kept until deleted by hand, and once gone. */
  files_expire_at: string | null;
  files_deleted_at: string | null;
  /** Who deleted them by hand (a user id); null for the clean-up and the CLI. */
  files_deleted_by: string | null;
}

/** Import settings as users and programs see them: snake_case, like every other wire field. */
export interface ImportSettingsWire {
  tags: string[];
  group: string | null;
  source_policy: SourcePolicy;
  region: string;
  create_attributes: boolean;
  on_file_duplicate: OnFileDuplicate;
  dry_run: boolean;
  run_automation_rules: boolean;
  /** Values for the whole file, set under source_policy where a row's own column gives none. */
  initial_source: string | null;
  initial_source_detail: string | null;
  campaign: string | null;
}

function settingsWire(s: ImportSettings): ImportSettingsWire {
  return {
    tags: s.tags,
    group: s.group,
    source_policy: s.sourcePolicy,
    region: s.region,
    create_attributes: s.createAttributes,
    on_file_duplicate: s.onFileDuplicate,
    dry_run: s.dryRun,
    run_automation_rules: s.runAutomationRules ?? true,
    initial_source: s.initialSource ?? null,
    initial_source_detail: s.initialSourceDetail ?? null,
    campaign: s.campaign ?? null,
  };
}

function toRecord(
  row: ImportsTable & { kind?: string; summary?: string | null },
  retentionDays: number | null,
): ImportRecord {
  const source = JSON.parse(row.source) as StoredSource;
  const columns = uniqueHeader(source.header);
  const mapping = Object.fromEntries(
    (JSON.parse(row.mapping) as [number, string][]).map(([i, t]) => [columns[i] ?? `#${i}`, t]),
  );
  const warnings = readWarnings(row.warnings);
  return {
    id: row.id,
    kind: (row.kind ?? 'contacts') as ImportKind,
    status: row.status as ImportStatus,
    dry_run: row.dry_run === 1,
    file_name: row.file_name,
    file_size: row.file_size,
    format: source.format,
    encoding: source.encoding,
    delimiter: source.delimiter,
    sheet: source.sheet,
    mapping,
    settings: settingsWire(JSON.parse(row.settings) as ImportSettings),
    warnings: warnings.map((w) => w.message),
    warning_details: warnings,
    created_by: row.created_by,
    created_at: row.created_at,
    started_at: row.started_at,
    finished_at: row.finished_at,
    total_rows: row.total_rows,
    rows: row.rows,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    failed: row.failed,
    warned: row.warned,
    error: row.error,
    undone_at: row.undone_at,
    undo_report: row.undo_report ? (JSON.parse(row.undo_report) as UndoReport) : null,
    imported_for_real_as: row.imported_for_real_as,
    summary: row.summary ? (JSON.parse(row.summary) as OrderImportSummary) : null,
    files_state: filesStateOf(row),
    files_expire_at: filesExpireAt(row, retentionDays),
    files_deleted_at: row.files_deleted_at,
    files_deleted_by: row.files_deleted_by,
  };
}

const ENCODING_SAMPLE_BYTES = 64 * 1024;

/** Whether two files of the same size hold the same bytes (compared as SHA-256 digests, streamed). */
async function sameBytes(a: string, b: string): Promise<boolean> {
  const digest = async (file: string) => {
    const hash = crypto.createHash('sha256');
    for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  };
  const [x, y] = await Promise.all([digest(a), digest(b)]);
  return x === y;
}

/** The readings to choose from when the encoding is unsure, from the same bytes the detector saw. */
function encodingCandidates(filePath: string): EncodingReading[] {
  const size = fs.statSync(filePath).size;
  const sample = Buffer.alloc(Math.min(size, ENCODING_SAMPLE_BYTES));
  const fd = fs.openSync(filePath, 'r');
  try {
    fs.readSync(fd, sample, 0, sample.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const guess = detectEncoding(sample, size <= ENCODING_SAMPLE_BYTES);
  return encodingReadings(sample, guess.alternatives ?? [guess.encoding]);
}

function parseChoice<T extends string>(
  field: string,
  value: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value))
    throw new ValidationError(field, value, `must be one of ${choices.join(', ')}`);
  return value as T;
}

/**
 * How an import of another kind than contacts is undone (the capability that owns the kind says).
 * `afterBatch` is called after each committed batch: it renews the undo's claim, and throws once
 * another process has taken the undo over.
 */
export type ImportUndo = (
  importId: string,
  actor: Actor,
  afterBatch: () => Promise<void>,
) => Promise<UndoReport>;

/**
 * An undo whose claim was last renewed longer ago than this without a report stopped half-way (its
 * process died). A running undo renews it after every batch, so however long it runs it is never
 * taken for stopped.
 */
const STALE_UNDO_MS = 15 * 60_000;
const staleUndoBefore = () => new Date(Date.now() - STALE_UNDO_MS).toISOString();

export class ImportService {
  private readonly undoers = new Map<string, ImportUndo>();

  constructor(
    private readonly store: Store,
    /** Undo writes contacts through the contacts capability's writer. */
    private readonly writer: ContactWriter,
    private readonly config: ImportConfig,
  ) {}

  private get db() {
    return this.store.db;
  }

  private get retentionDays(): number | null {
    return this.config.importFileRetentionDays;
  }

  /** Registers the undo of an import kind (orders: `tmall_orders`). */
  registerUndo(kind: string, undo: ImportUndo): void {
    this.undoers.set(kind, undo);
  }

  private async mappingContext(createAttributes: boolean): Promise<MappingContext> {
    const [types, definitions] = await Promise.all([
      new IdentityTypeService(this.db).list(),
      new AttributeDefinitionService(this.db).list(),
    ]);
    return {
      identityTypes: new Set(types.map((t) => t.key)),
      attributeTypes: new Map(definitions.map((d) => [d.key, d.type])),
      createAttributes,
      labelTargets: labelTargets(types, definitions),
    };
  }

  sourceOptions(request: Pick<ImportRequest, 'encoding' | 'delimiter' | 'sheet'>) {
    let encoding: TextEncoding | undefined;
    if (request.encoding !== undefined) {
      encoding = parseEncodingName(request.encoding) ?? undefined;
      if (!encoding)
        throw new ValidationError(
          'options.encoding',
          request.encoding,
          'must be utf-8, utf-16le, utf-16be, gbk/gb18030, big5, shift_jis, euc-kr or windows-1252/latin1',
        );
    }
    let delimiter: Delimiter | undefined;
    if (request.delimiter !== undefined) {
      const d = request.delimiter === 'tab' || request.delimiter === '\\t' ? '\t' : request.delimiter;
      if (![',', ';', '\t', '|'].includes(d))
        throw new ValidationError('options.delimiter', request.delimiter, 'must be , ; tab or |');
      delimiter = d as Delimiter;
    }
    return { encoding, delimiter, sheet: request.sheet, xlsxLimits: this.config.xlsxLimits };
  }

  /**
   * The file as inspectSource describes it, with the header taken from `headerRow` when the user said
   * it is not the first row, else from the row `findHeader` finds below a title (a sheet's rows above
   * its header are then skipped: StoredSource.headerRow); a header of two levels (a merged label above
   * the column names) is read as one.
   */
  async inspect(
    request: Pick<ImportRequest, 'filePath' | 'encoding' | 'delimiter' | 'sheet' | 'headerRow'>,
  ): Promise<SourceInfo & { headerRow?: number; titleRows?: number[] }> {
    const explicit = request.headerRow;
    const info = await inspectSource(request.filePath, {
      ...this.sourceOptions(request),
      headerRow: explicit,
    });
    const isDocument = info.format === 'json' || info.format === 'ndjson' || info.format === 'xml';
    if (isDocument || (explicit !== undefined && explicit <= 1)) return info;
    const last = explicit ?? HEADER_SEARCH_ROWS;
    const rows: HeaderRowCandidate[] = [{ rowNumber: 1, cells: info.header }];
    for await (const record of readSourceRecords(request.filePath, info, {
      limit: last,
      xlsxLimits: this.config.xlsxLimits,
    })) {
      if (record.rowNumber > last) break;
      rows.push(record);
    }
    const found = findHeader(rows, explicit);
    if (!found)
      throw new ValidationError(
        'options.header_row',
        explicit,
        'is blank or past the end of the file; choose the row that holds the column names',
      );
    if (found.row === 1) return info;
    return { ...info, header: found.header, headerRow: found.row, titleRows: found.titleRows };
  }

  private async sample(filePath: string, info: SourceInfo & { headerRow?: number }): Promise<SourceRecord[]> {
    const after = info.headerRow ?? 0;
    const rows: SourceRecord[] = [];
    for await (const record of readSourceRecords(filePath, info, {
      limit: PREVIEW_ROWS + after,
      xlsxLimits: this.config.xlsxLimits,
    })) {
      if (record.rowNumber <= after) continue;
      rows.push(record);
      if (rows.length >= PREVIEW_ROWS) break;
    }
    return rows;
  }

  async preview(
    request: Pick<
      ImportRequest,
      'filePath' | 'encoding' | 'delimiter' | 'sheet' | 'headerRow' | 'createAttributes'
    > & { fileName?: string },
  ): Promise<ImportPreview> {
    const info = await this.inspect(request);
    const records = await this.sample(request.filePath, info);
    const rows = records.map((r) => r.cells);
    const suggestions = suggestMapping(
      info.header,
      rows,
      await this.mappingContext(request.createAttributes ?? false),
    );
    const warnings = [
      ...layoutWarnings(info, records).map((w) => w.message),
      ...suggestions.flatMap((s) => (s.warning ? [`${s.column}: ${s.warning}`] : [])),
    ];
    const candidates = info.encodingConfidence === 'unsure' ? encodingCandidates(request.filePath) : [];
    if (info.encodingConfidence === 'unsure') {
      warnings.unshift(
        candidates.length > 1
          ? `the encoding is ambiguous (${info.encodingReason}); compare the readings and choose the one that shows the names correctly`
          : `encoding detection is unsure (${info.encodingReason}); check the preview for garbled text and choose the encoding explicitly`,
      );
    }
    return {
      format: info.format,
      encoding: info.encoding,
      encoding_confidence: info.encodingConfidence,
      encoding_candidates: candidates,
      delimiter: info.delimiter,
      sheets: info.sheets,
      sheet: info.sheet,
      header_row: info.headerRow ?? 1,
      header: uniqueHeader(info.header),
      rows,
      row_numbers: records.map((r) => r.rowNumber),
      suggested_mapping: suggestions,
      unmapped_columns: suggestions.filter((s) => s.target === null).map((s) => s.column),
      warnings,
      earlier_import: await this.earlierImportOf(info.header, request.fileName),
    };
  }

  /** See EarlierImport. The 200 newest imports with such rows are looked at: a fix comes soon after. */
  private async earlierImportOf(header: string[], fileName?: string): Promise<EarlierImport | null> {
    const report = reportKindOf(header);
    if (!report) return null;
    const columns = JSON.stringify(uniqueHeader(reportColumns(header)));
    const rows = await this.db
      .selectFrom('imports')
      .selectAll()
      .where('kind', '=', 'contacts')
      .where('dry_run', '=', 0)
      .where('status', '=', 'completed')
      .where(report === 'failures' ? 'failed' : 'warned', '>', 0)
      .orderBy('id', 'desc')
      .limit(200)
      .execute();
    const same = rows.filter(
      (row) =>
        JSON.stringify(uniqueHeader(reportColumns((JSON.parse(row.source) as StoredSource).header))) ===
        columns,
    );
    const name = fileName?.toLowerCase() ?? '';
    const named = same.find(
      (row) =>
        name.includes(row.id) || name.startsWith(`${reportFileBase(row.file_name).toLowerCase()}-${report}`),
    );
    const row = named ?? same[0];
    if (!row) return null;
    const record = toRecord(row, this.retentionDays);
    return {
      id: record.id,
      file_name: record.file_name,
      created_at: record.created_at,
      report,
      mapping: record.mapping,
      settings: record.settings,
    };
  }

  /** Checks everything that can be checked up front, keeps a copy of the file and queues the job. */
  async start(request: ImportRequest, actor: Actor): Promise<ImportRecord> {
    const settings: ImportSettings = {
      tags: (request.tags ?? [])
        .map((t, i) => normalizeNewTagName(t, fieldPath('options', 'tags', i)))
        .filter((t): t is string => t !== null),
      group: request.group?.trim() ? normalizeGroupName(request.group, 'options.group') : null,
      sourcePolicy: parseChoice<SourcePolicy>(
        'options.source_policy',
        request.sourcePolicy,
        ['new-only', 'all'],
        'new-only',
      ),
      region: request.region ? assertRegion(request.region, 'options.region') : this.config.defaultRegion,
      createAttributes: request.createAttributes ?? false,
      onFileDuplicate: parseChoice<OnFileDuplicate>(
        'options.on_file_duplicate',
        request.onFileDuplicate,
        ['reject', 'last'],
        'reject',
      ),
      dryRun: request.dryRun ?? false,
      runAutomationRules: request.runAutomationRules ?? true,
      initialSource: normalizeSourceValue(request.initialSource, 'options.initial_source'),
      initialSourceDetail: normalizeSourceValue(request.initialSourceDetail, 'options.initial_source_detail'),
      campaign: normalizeSourceValue(request.campaign, 'options.campaign'),
    };
    const info = await this.inspect(request);
    if (info.encodingConfidence === 'unsure' && !request.encoding) {
      const candidates = encodingCandidates(request.filePath);
      const readings = candidates.map(
        (c) => `as ${c.label} it reads ${JSON.stringify(c.sample[0] ?? '')} (--encoding ${c.option})`,
      );
      throw new ImportFileError(
        `the file's encoding could not be detected with confidence (${info.encodingReason}): ${readings.join('; ')}; choose the one that reads right with --encoding (options.encoding in the API)`,
        {
          encoding_guess: info.encoding,
          candidates: candidates.map((c) => ({ encoding: c.encoding, option: c.option, sample: c.sample })),
        },
      );
    }
    const records = await this.sample(request.filePath, info);
    const rows = records.map((r) => r.cells);
    if (rows.length === 0) throw new ImportFileError('the file has a header row but no data rows');
    const ctx = await this.mappingContext(settings.createAttributes);
    const suggestions = suggestMapping(info.header, rows, ctx);
    let mapping;
    try {
      mapping = resolveMapping(info.header, request.mapping ?? {}, suggestions, ctx);
    } catch (e) {
      if (e instanceof MappingError)
        throw e.errors.length === 1 ? e.errors[0]! : new ValidationErrors(e.errors);
      throw e;
    }
    const columns = uniqueHeader(info.header);
    const warnings = [
      ...layoutWarnings(info, records),
      // The reason column of a failure or warnings file is left out as it should be: nothing to warn of.
      ...suggestions.flatMap((s) =>
        s.warning && s.target !== IGNORE && !mapping.has(s.index)
          ? [plainWarning(`${s.column}: ${s.warning}`)]
          : [],
      ),
    ];
    const unmapped = columns.filter((_, i) => !mapping.has(i) && suggestions[i]?.target !== 'ignore');
    if (unmapped.length > 0) warnings.push(columnsNotImportedWarning(unmapped));

    return this.keepAndQueue(request.filePath, info, {
      dryRun: settings.dryRun,
      fileName: path.basename(request.fileName),
      mapping: [...mapping],
      settings,
      warnings,
      createdBy: actor.userId,
    });
  }

  /**
   * A new contact import of `filePath`: Kith keeps its own copy (readable by its owner only) and queues
   * the import with its job in one transaction.
   */
  private async keepAndQueue(
    filePath: string,
    info: Omit<StoredSource, 'path'>,
    record: Omit<NewImportRecord, 'id' | 'fileSize' | 'source'>,
    /** Run in the queueing transaction first; what it throws leaves nothing queued and no copy kept. */
    claim?: (trx: Queryable, newImportId: string) => Promise<void>,
  ): Promise<ImportRecord> {
    const id = newId('import');
    const dir = importDir(this.config, id);
    makePrivateDir(dir);
    try {
      const storedPath = path.join(dir, `source.${info.format}`);
      fs.copyFileSync(filePath, storedPath);
      // copyFile gives the copy the upload's mode.
      restrictToOwner(storedPath);
      const source: StoredSource = { ...info, path: storedPath };
      await this.db.transaction().execute(async (trx) => {
        await claim?.(trx, id);
        await queueImport(
          trx,
          { ...record, id, fileSize: fs.statSync(storedPath).size, source },
          IMPORT_JOB_KIND,
        );
      });
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    return this.get(id);
  }

  /**
   * A completed dry run of a customer list, imported for real: its kept file, mapping and settings
   * queued again as a new import that writes (the file copied, so that each import keeps its own for
   * history and undo). The store may have moved since the check: rows are checked again as they are
   * written, and the new import's own counts say what happened. Once: the dry run is linked to its
   * real import in the transaction that queues it, so two clicks queue one import; only when that
   * import failed, was cancelled or was undone can the dry run be imported again.
   */
  async importDryRunForReal(id: string, actor: Actor): Promise<ImportRecord> {
    const row = await this.db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('import', id);
    if (!row.dry_run)
      throw new KithError('not_a_dry_run', `import ${id} was not a dry run: it has written already`, 409);
    if (row.status !== 'completed') {
      throw new KithError(
        'dry_run_not_completed',
        `dry run ${id} is ${row.status}; only a completed dry run can be imported for real`,
        409,
        { status: row.status },
      );
    }
    if (row.kind !== 'contacts') {
      throw new KithError(
        'dry_run_not_contacts',
        `dry run ${id} is an order import; import its files again from the Import page`,
        409,
        { kind: row.kind },
      );
    }
    await this.refuseIfImportedForReal(this.db, id);
    const stored = JSON.parse(row.source) as StoredSource;
    if (row.files_deleted_at !== null) {
      const deleted = importFilesDeletedError(row, this.retentionDays);
      throw new KithError(
        'source_file_gone',
        `the file of dry run ${id} is no longer kept: ${deleted.message}`,
        410,
        deleted.details,
      );
    }
    if (!fs.existsSync(stored.path))
      throw new KithError('source_file_gone', `the file of dry run ${id} is no longer kept`, 410);
    const running = await this.unfinishedImportOf('contacts', { path: stored.path, name: row.file_name });
    if (running) throw alreadyImporting(running.id, running.status);
    const { path: keptPath, ...info } = stored;
    const queued = this.keepAndQueue(
      keptPath,
      info,
      {
        dryRun: false,
        fileName: row.file_name,
        mapping: JSON.parse(row.mapping) as unknown,
        settings: { ...(JSON.parse(row.settings) as ImportSettings), dryRun: false },
        warnings: readWarnings(row.warnings),
        createdBy: actor.userId,
      },
      async (trx, realId) => {
        // The check above, again where it counts: a request that queued meanwhile has set the link. Put
        // as "the linked import has ended without effect" (not "is not live"): on PostgreSQL a second
        // request waits for the first's row lock, then reads the link it set, while the import that
        // link names is invisible to its snapshot — and so must not count as ended.
        const endedWithoutEffect = trx
          .selectFrom('imports as real')
          .select('real.id')
          .where((eb) =>
            eb.or([
              eb('real.status', 'in', ['failed', 'cancelled']),
              // Undone: its undo has ended (undone_at alone is set when an undo is claimed, and put
              // back if that undo fails).
              eb.and([eb('real.undone_at', 'is not', null), eb('real.undo_report', 'is not', null)]),
            ]),
          );
        const claimed = await trx
          .updateTable('imports')
          .set({ imported_for_real_as: realId })
          .where('id', '=', id)
          .where((eb) =>
            eb.or([
              eb('imported_for_real_as', 'is', null),
              eb('imported_for_real_as', 'in', endedWithoutEffect),
            ]),
          )
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) === 0) {
          await this.refuseIfImportedForReal(trx, id);
          throw new NotFoundError('import', id);
        }
      },
    );
    // The clean-up may delete the file between the check above and its copy.
    return queued.catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !fs.existsSync(keptPath))
        throw new KithError('source_file_gone', `the file of dry run ${id} is no longer kept`, 410);
      throw e;
    });
  }

  /** 409 when the dry run's real import is queued, running, or completed and not undone. */
  private async refuseIfImportedForReal(db: Queryable, dryRunId: string): Promise<void> {
    const real = await db
      .selectFrom('imports as dry')
      .innerJoin('imports as real', 'real.id', 'dry.imported_for_real_as')
      .select(['real.id', 'real.status', 'real.undone_at', 'real.undo_report'])
      .where('dry.id', '=', dryRunId)
      .executeTakeFirst();
    if (!real || real.status === 'failed' || real.status === 'cancelled') return;
    if (real.undone_at !== null && real.undo_report !== null) return;
    if (real.status !== 'completed') throw alreadyImporting(real.id, real.status);
    throw new KithError(
      'already_imported_for_real',
      `dry run ${dryRunId} was imported for real as import ${real.id}; undo that import first to import it again`,
      409,
      { import_id: real.id },
    );
  }

  /**
   * An import of the same file (same name, size and bytes) that has not ended — queued, running, or
   * left running by a process that died — or null. Dry runs write nothing and are neither found nor
   * looked for by callers. The CLI refuses a second import of such a file: both would write the same
   * rows, the first once resumed or taken over.
   */
  async unfinishedImportOf(
    kind: ImportRecord['kind'],
    file: { path: string; name: string },
    /** A Tmall import's items report: the import is the same only when both files are. */
    itemsPath?: string,
  ): Promise<ImportRecord | null> {
    const size = fs.statSync(file.path).size + (itemsPath ? fs.statSync(itemsPath).size : 0);
    const candidates = await this.db
      .selectFrom('imports')
      .selectAll()
      .where('status', 'in', ['queued', 'running'])
      .where('dry_run', '=', 0)
      .where('kind', '=', kind)
      .where('file_name', '=', path.basename(file.name))
      .where('file_size', '=', size)
      .orderBy('id')
      .execute();
    const same = async (given: string, stored: string | undefined) =>
      stored !== undefined && fs.existsSync(stored) && (await sameBytes(given, stored));
    for (const row of candidates) {
      const stored = JSON.parse(row.source) as StoredSource & { items?: { path: string } };
      if (!(await same(file.path, stored.path))) continue;
      if (itemsPath === undefined || (await same(itemsPath, stored.items?.path)))
        return toRecord(row, this.retentionDays);
    }
    return null;
  }

  async get(id: string): Promise<ImportRecord> {
    const row = await this.db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('import', id);
    return toRecord(row, this.retentionDays);
  }

  /** Newest first; `dryRun` false lists real imports only, true checks (dry runs) only, absent both. */
  async list(page: { before?: string; limit?: number; dryRun?: boolean } = {}): Promise<ImportRecord[]> {
    let query = this.db.selectFrom('imports').selectAll();
    if (page.before) query = query.where('id', '<', page.before);
    if (page.dryRun !== undefined) query = query.where('dry_run', '=', page.dryRun ? 1 : 0);
    return (
      await query
        .orderBy('id', 'desc')
        .limit(page.limit ?? 50)
        .execute()
    ).map((row) => toRecord(row, this.retentionDays));
  }

  async cancel(id: string): Promise<ImportRecord> {
    const record = await this.get(id);
    if (!['queued', 'running'].includes(record.status)) {
      throw new KithError(
        'not_cancellable',
        `import ${id} is ${record.status}; only a queued or running import can be cancelled`,
        409,
        { status: record.status },
      );
    }
    await this.db.updateTable('imports').set({ cancel_requested: 1 }).where('id', '=', id).execute();
    if (record.status === 'queued') {
      // Nobody is running it: settle it now rather than when a worker claims it.
      await this.db
        .updateTable('imports')
        .set({ status: 'cancelled', finished_at: nowIso() })
        .where('id', '=', id)
        .where('status', '=', 'queued')
        .execute();
    }
    return this.get(id);
  }

  async undo(id: string, actor: Actor): Promise<ImportRecord> {
    const record = await this.get(id);
    if (record.dry_run)
      throw new KithError('not_undoable', `import ${id} was a dry run and changed nothing`, 409);
    if (record.undone_at && record.undo_report)
      throw new KithError('already_undone', `import ${id} was undone at ${record.undone_at}`, 409);
    if (['queued', 'running'].includes(record.status)) {
      throw new KithError('not_undoable', `import ${id} is still ${record.status}; cancel it first`, 409, {
        status: record.status,
      });
    }
    // The undo is claimed before it starts (it runs in many transactions): a second undo at the same
    // time is refused instead of running beside it and recording a report of nothing left to undo.
    const claimedAt = nowIso();
    const claimed = await this.db
      .updateTable('imports')
      .set({ undone_at: claimedAt, undo_report: null })
      .where('id', '=', id)
      .where((eb) =>
        eb.or([
          eb('undone_at', 'is', null),
          // An undo that stopped half-way (its process died) may run again: undoing is idempotent.
          eb.and([eb('undo_report', 'is', null), eb('undone_at', '<', staleUndoBefore())]),
        ]),
      )
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) {
      const now = await this.get(id);
      throw now.undo_report
        ? new KithError('already_undone', `import ${id} was undone at ${now.undone_at}`, 409)
        : new KithError('undo_running', `import ${id} is being undone (since ${now.undone_at})`, 409);
    }
    let claim = claimedAt;
    // The claim renewed (undone_at: when the undo last got on) only while it is still this undo's.
    const renewClaim = async (set: { undone_at: string | null; undo_report?: string }) => {
      const renewed = await this.db
        .updateTable('imports')
        .set(set)
        .where('id', '=', id)
        .where('undone_at', '=', claim)
        .where('undo_report', 'is', null)
        .executeTakeFirst();
      return Number(renewed.numUpdatedRows) > 0;
    };
    const afterBatch = async () => {
      const now = nowIso();
      if (!(await renewClaim({ undone_at: now })))
        throw new KithError(
          'undo_running',
          `import ${id} is being undone by another process, which took the undo over`,
          409,
        );
      claim = now;
    };
    const undoKind = this.undoers.get(record.kind);
    let report: UndoReport;
    try {
      report = undoKind
        ? await undoKind(id, actor, afterBatch)
        : await undoImport(this.store, this.writer, id, actor, afterBatch);
    } catch (e) {
      await renewClaim({ undone_at: null });
      throw e;
    }
    if (!(await renewClaim({ undone_at: nowIso(), undo_report: JSON.stringify(report) })))
      throw new KithError('undo_running', `import ${id} is being undone by another process`, 409);
    return this.get(id);
  }

  /** Path of the failure file (written when the import ended). */
  /**
   * The failure file or the warnings file summarised for a screen: its reasons by kind with counts and
   * its first rows (`readRowReport`); read from the rows, so it also answers while the import runs.
   */
  async rowReport(id: string, kind: ReportKind): Promise<RowReport> {
    await this.get(id);
    const row = await this.db
      .selectFrom('imports')
      .select('source')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return readRowReport(this.db, id, (JSON.parse(row.source) as StoredSource).header, kind);
  }

  /**
   * Path of the failure file (written when the import ended; written now for an import that ended
   * without it, as when the disk was full then).
   */
  failureFile(id: string): Promise<string> {
    return this.reportFile(id, failureFilePath(this.config, id), 'failure', writeFailureFile);
  }

  /**
   * Path of the warnings file: the rows imported with a value left out, each with its warning (written
   * when the import ended; written now for an import that ended before Kith wrote such files).
   */
  warningFile(id: string): Promise<string> {
    return this.reportFile(id, warningFilePath(this.config, id), 'warnings', writeWarningFile);
  }

  /** A report file of an ended import, written now when it is missing. */
  private async reportFile(
    id: string,
    file: string,
    name: 'failure' | 'warnings',
    write: typeof writeFailureFile,
  ): Promise<string> {
    const record = await this.withFilesKept(id);
    if (fs.existsSync(file)) return file;
    if (['queued', 'running'].includes(record.status)) {
      throw new KithError(
        'not_ready',
        `import ${id} is ${record.status}; its ${name} file is written when it ends`,
        409,
      );
    }
    const row = await this.db
      .selectFrom('imports')
      .select('source')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    makePrivateDir(importDir(this.config, id));
    // Written aside and renamed, so a second download at the same moment never reads half a file.
    const partial = `${file}.${process.pid}-${Date.now()}.partial`;
    await write(this.db, id, (JSON.parse(row.source) as StoredSource).header, partial);
    fs.renameSync(partial, file);
    return file;
  }

  async sourceFile(id: string): Promise<{ path: string; fileName: string }> {
    await this.withFilesKept(id);
    const row = await this.db
      .selectFrom('imports')
      .select(['source', 'file_name'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return { path: (JSON.parse(row.source) as StoredSource).path, fileName: row.file_name };
  }

  /**
   * The import, when its files are still kept: 404 when there is none, 410 `import_files_deleted` once
   * they were deleted (by the clean-up or by hand). Every download asks this first.
   */
  async withFilesKept(id: string): Promise<ImportRecord> {
    const row = await this.db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('import', id);
    if (row.files_deleted_at !== null) throw importFilesDeletedError(row, this.retentionDays);
    return toRecord(row, this.retentionDays);
  }

  /**
   * Deletes an ended import's files now (`import-files.ts`: its folder and the cells its report files
   * are written from); its record, counts and undo stay. Audit-logged (entity `import`, action
   * `files_deleted`). 409 `import_running` while it is queued or running (its job reads and writes
   * them); files already deleted answer the record as it is, with no second entry.
   */
  async deleteFiles(id: string, actor: Actor): Promise<ImportRecord> {
    const record = await this.get(id);
    const refuseRunning = (status: string) =>
      new KithError(
        'import_running',
        `import ${id} is ${status}: its files are in use until it ends; cancel it (or let it end) first`,
        409,
        { status },
      );
    if (['queued', 'running'].includes(record.status)) throw refuseRunning(record.status);
    const at = nowIso();
    const marked = await this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('imports')
        .set({ files_deleted_at: at, files_deleted_reason: 'deleted', files_deleted_by: actor.userId })
        .where('id', '=', id)
        .where('files_deleted_at', 'is', null)
        .where('status', 'not in', ['queued', 'running'])
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return false;
      await appendAuditEntry(trx, {
        entityType: 'import',
        entityId: id,
        action: 'files_deleted',
        changes: [{ field: 'files_deleted_at', old: null, new: at }],
        actor,
        at,
      });
      return true;
    });
    if (!marked) {
      const now = await this.get(id);
      if (['queued', 'running'].includes(now.status)) throw refuseRunning(now.status);
    }
    // Also when they were marked before: a deletion a stopped process left half-done is finished.
    await removeImportFiles(this.db, this.config, id);
    return this.get(id);
  }

  /**
   * The periodic clean-up: deletes the files of ended imports past KITH_IMPORT_FILE_RETENTION_DAYS
   * and of dry runs past 24 hours (`import-files.ts`); answers how many imports it cleaned up.
   */
  cleanUpFiles(now = new Date()): Promise<number> {
    return deleteExpiredImportFiles(this.db, this.config, now);
  }
}

function alreadyImporting(importId: string, status: string): KithError {
  return new KithError(
    'already_importing',
    `import ${importId} of the same file is ${status}; let it end, or resume or cancel it (kith imports resume ${importId} / cancel ${importId})`,
    409,
    { import_id: importId },
  );
}

/**
 * What the reading of a sheet's layout decided or could not: the title rows skipped above a header
 * found below them, and values in the first rows past the header's last named column (no column to
 * map them to, so they would be left out without a word).
 */
function layoutWarnings(
  info: { header: string[]; headerRow?: number; titleRows?: number[] },
  records: SourceRecord[],
): FileWarning[] {
  const warnings: FileWarning[] = [];
  if (info.headerRow && info.titleRows && info.titleRows.length > 0)
    warnings.push(titleRowsWarning(info.headerRow, info.titleRows));
  const width = info.header.length;
  for (const record of records) {
    const past = record.cells.findIndex((c, i) => i >= width && c.trim() !== '');
    if (past >= 0) {
      warnings.push(
        plainWarning(
          `row ${record.rowNumber} has a value in column ${past + 1} (${JSON.stringify(record.cells[past]!.trim())}), which has no name in the header row, so it is not imported; name the column in the file`,
        ),
      );
      break;
    }
  }
  return warnings;
}
