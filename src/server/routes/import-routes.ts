/**
 * Imports over HTTP (admin only). Uploads are multipart (read by `../import-upload.ts`): the file is
 * streamed to a temporary file, options travel as JSON fields.
 */
import fs from 'node:fs';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ValidationError } from '../../domain/errors.js';
import { fieldPath } from '../../domain/field-path.js';
import type { ImportRecord, ImportRequest } from '../../imports/import-service.js';
import { WELL_KNOWN_IDENTITIES } from '../../imports/map/well-known-identities.js';
import type { StagedUpload } from '../../imports/staged-uploads.js';
import { reportFileName } from '../../imports/report/failure-file.js';
import { SOURCE_FORMATS } from '../../imports/read/source-reader.js';
import type { KithServices } from '../../services.js';
import type { Actor } from '../../domain/actor.js';
import { actorOf } from '../auth-guard.js';
import { replayedUpload } from '../idempotency.js';
import { jsonField, type ReceivedUpload, receiveUpload, type Upload } from '../import-upload.js';
import { beforeIdParam, ErrorSchema, errorResponses, IdParams, wholeNumberParam } from '../schemas.js';

/**
 * A failure or warnings file is named after the imported file (客户.xlsx → 客户-failures.csv): imported
 * again once fixed, the history shows where it came from. The id's name for clients that read only
 * the plain `filename`.
 */
function reportFileDisposition(id: string, record: { file_name: string }, kind: 'failures' | 'warnings') {
  return `attachment; filename="${id}-${kind}.csv"; filename*=UTF-8''${encodeURIComponent(reportFileName(record.file_name, kind))}`;
}

/**
 * The file a preview or an import reads: the one sent with the request, or the staged upload its
 * `upload_id` names (one the same user sent with an earlier preview).
 */
function sourceOf(
  services: KithServices,
  upload: ReceivedUpload,
  request: FastifyRequest,
): { filePath: string; fileName: string; staged: StagedUpload | null } {
  if (upload.filePath) return { filePath: upload.filePath, fileName: upload.fileName, staged: null };
  const staged = services.importUploads.open(upload.fields.upload_id!, request.user?.id ?? null);
  return { filePath: staged.filePath, fileName: staged.file_name, staged };
}

/**
 * The file a run (not a dry run) imports: as `sourceOf`, but a staged upload is taken for it, so that
 * the same upload sent to run several times at once runs once (the others answer 404 upload_not_found,
 * as after the run). `started` removes it once the run keeps its copy; `notStarted` puts it back.
 */
function runSourceOf(
  services: KithServices,
  upload: ReceivedUpload,
  request: FastifyRequest,
): { filePath: string; fileName: string; started(): void; notStarted(): void } {
  if (upload.filePath)
    return { filePath: upload.filePath, fileName: upload.fileName, started: () => {}, notStarted: () => {} };
  const taken = services.importUploads.take(upload.fields.upload_id!, request.user?.id ?? null);
  return {
    filePath: taken.filePath,
    fileName: taken.file_name,
    started: taken.discard,
    notStarted: taken.release,
  };
}

const OptionsSchema = z.strictObject({
  encoding: z.string().optional(),
  delimiter: z.string().optional(),
  sheet: z.string().optional(),
  header_row: z.number().int().min(1).max(1000).optional(),
  tags: z.array(z.string()).optional(),
  group: z.string().nullable().optional(),
  source_policy: z.string().optional(),
  region: z.string().optional(),
  create_attributes: z.boolean().optional(),
  on_file_duplicate: z.string().optional(),
  dry_run: z.boolean().optional(),
  run_automation_rules: z.boolean().optional(),
  initial_source: z.string().nullable().optional(),
  initial_source_detail: z.string().nullable().optional(),
  campaign: z.string().nullable().optional(),
  /** A generic order file (kind orders): the orders' source, default currency, times' UTC offset. */
  order_source: z.string().optional(),
  currency: z.string().optional(),
  utc_offset: z.string().optional(),
});

const IMPORT_KINDS = ['contacts', 'orders', 'tmall_orders'] as const;

/** The upload's `kind` (contacts when absent); any other word is refused, not read as contacts. */
function checkImportKind(fields: Record<string, string>): void {
  const kind = fields.kind;
  if (kind !== undefined && !(IMPORT_KINDS as readonly string[]).includes(kind))
    throw new ValidationError('kind', kind, `must be one of ${IMPORT_KINDS.join(', ')}`);
}

/** A generic order file's own options (kind `orders`), beside the ones every import takes. */
function orderFileOptions(fields: Record<string, string>) {
  const parsed = OptionsSchema.safeParse(jsonField(fields, 'options', {}));
  const o = parsed.success ? parsed.data : {};
  return { source: o.order_source, currency: o.currency, utcOffset: o.utc_offset };
}

function importOptions(fields: Record<string, string>): Omit<ImportRequest, 'filePath' | 'fileName'> {
  const options = jsonField<unknown>(fields, 'options', {});
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // A misspelt option (`dryRun`, `dry-run`) is refused, not dropped: dropped, the import ran for real.
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0]!;
      throw new ValidationError(
        fieldPath('options', ...issue.path, key),
        (options as Record<string, unknown>)[key] ?? null,
        `is not an import option; the options are ${Object.keys(OptionsSchema.shape).join(', ')}`,
      );
    }
    const at = issue.path.reduce<unknown>(
      (value, key) => (value !== null && typeof value === 'object' ? (value as never)[key] : undefined),
      options,
    );
    throw new ValidationError(
      fieldPath('options', ...issue.path),
      at ?? null,
      issue.path.length === 0 ? 'must be a JSON object of settings' : issue.message,
    );
  }
  const o = parsed.data;
  const mapping = jsonField<Record<string, unknown>>(fields, 'mapping', {});
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
    throw new ValidationError('mapping', fields.mapping, 'must be a JSON object of column → target');
  }
  for (const [column, target] of Object.entries(mapping))
    if (typeof target !== 'string')
      throw new ValidationError(`mapping.${column}`, target, 'must be a target name (text), or "ignore"');
  return {
    mapping: mapping as Record<string, string>,
    encoding: o.encoding,
    delimiter: o.delimiter,
    sheet: o.sheet,
    headerRow: o.header_row,
    tags: o.tags,
    group: o.group,
    sourcePolicy: o.source_policy,
    region: o.region,
    createAttributes: o.create_attributes,
    onFileDuplicate: o.on_file_duplicate,
    dryRun: o.dry_run,
    runAutomationRules: o.run_automation_rules,
    initialSource: o.initial_source,
    initialSourceDetail: o.initial_source_detail,
    campaign: o.campaign,
  };
}

/** An order import: the Tmall order report and its items report, with the settings orders take. */
async function startTmallImport(services: KithServices, upload: Upload, actor: Actor) {
  const orders = upload.files.orders_file;
  const items = upload.files.items_file;
  if (!orders || !items)
    throw new ValidationError(
      orders ? 'items_file' : 'orders_file',
      null,
      'is required: a Tmall order import sends the order report as "orders_file" and its items report as "items_file"',
    );
  const o = importOptions(upload.fields);
  const id = await services.orders.startTmallImport(
    {
      ordersPath: orders.filePath,
      ordersFileName: orders.fileName,
      itemsPath: items.filePath,
      itemsFileName: items.fileName,
      encoding: o.encoding,
      tags: o.tags,
      group: o.group,
      region: o.region,
      dryRun: o.dryRun,
      runAutomationRules: o.runAutomationRules,
    },
    actor,
  );
  return services.imports.get(id);
}

/** An import's settings as it ran (or, for a failure file's earlier import, as it may run again). */
const ImportSettingsSchema = z
  .object({
    tags: z.array(z.string()),
    group: z.string().nullable(),
    source_policy: z.enum(['new-only', 'all']),
    region: z.string(),
    create_attributes: z.boolean(),
    on_file_duplicate: z.enum(['reject', 'last']),
    dry_run: z.boolean(),
    run_automation_rules: z
      .boolean()
      .describe('contact_created / contact_updated rules run for the contacts it creates or changes'),
    initial_source: z
      .string()
      .nullable()
      .describe(
        'Initial source for the whole file, set under source_policy on rows whose own column gives none; null: none',
      ),
    initial_source_detail: z
      .string()
      .nullable()
      .describe('Initial source detail for the whole file, as initial_source'),
    campaign: z.string().nullable().describe('Campaign for the whole file, as initial_source'),
  })
  .meta({ id: 'ImportSettings' });

/** One of an import's warnings about the file (src/imports/file-warnings.ts). */
const FileWarningSchema = z
  .union([
    z.object({
      code: z.literal('title_rows'),
      message: z.string(),
      header_row: z.number().describe('The row the column names were read from'),
      title_rows: z.array(z.number()).describe('The rows above it passed over as a title'),
    }),
    z.object({
      code: z.literal('columns_not_imported'),
      message: z.string(),
      columns: z.array(z.string()).describe('The named columns the mapping leaves out'),
    }),
    z.object({ code: z.literal('other'), message: z.string() }),
  ])
  .meta({ id: 'ImportFileWarning' });

const ImportRecordSchema = z
  .object({
    id: z.string().describe('Import id, prefixed imp_'),
    kind: z
      .enum(['contacts', 'tmall_orders', 'orders'])
      .describe(
        "contacts (a customer list), tmall_orders (a Tmall order report with its items report) or orders (any shop's order file through a mapping)",
      ),
    status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']),
    dry_run: z.boolean(),
    file_name: z.string(),
    file_size: z.number(),
    format: z.enum(SOURCE_FORMATS),
    encoding: z.string().nullable(),
    delimiter: z.string().nullable(),
    sheet: z.string().nullable(),
    mapping: z.record(z.string(), z.string()).describe('column → target'),
    settings: ImportSettingsSchema,
    warnings: z.array(z.string()).describe('Warnings about the file as a whole, in English'),
    warning_details: z
      .array(FileWarningSchema)
      .describe(
        'The same warnings in the same order, each with a `code` and the numbers or names its sentence holds where Kith knows the kind (`other` when only the sentence says it), for a screen to say it in its own language',
      ),
    created_by: z.string().nullable(),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    total_rows: z.number().nullable().describe('Data rows in the file, once the first pass has read it'),
    rows: z.number().describe('rows = created + updated + unchanged + failed'),
    created: z.number(),
    updated: z.number(),
    unchanged: z.number(),
    failed: z.number(),
    warned: z
      .number()
      .describe(
        'Rows imported with at least one warning (a value left out, e.g. a gender that is not one); part of created + updated + unchanged, listed in GET /imports/{id}/warnings',
      ),
    error: z.string().nullable(),
    undone_at: z.string().nullable(),
    undo_report: z
      .object({
        deleted: z.number(),
        restored: z.number(),
        gone: z.number(),
        kept: z.array(z.object({ contact_id: z.string(), field: z.string(), reason: z.string() })),
        kept_count: z.number(),
      })
      .nullable(),
    imported_for_real_as: z
      .string()
      .nullable()
      .describe(
        "A dry run's: the import that imported it for real (POST /imports/{id}/import-for-real); null until then",
      ),
    summary: z
      .object({
        kind: z.literal('tmall_orders'),
        orders_layout: z.enum(['classic', 'current']),
        items_file_name: z.string(),
        items: z.object({
          rows: z.number(),
          attached: z.number().describe('Items joined to an imported order'),
          failed: z
            .number()
            .describe(
              'Unreadable items and items whose order is not in the orders file (items failure file)',
            ),
          of_failed_orders: z
            .number()
            .optional()
            .describe(
              'Items of orders that failed (their reasons are in the failure file); set when the import completes. rows = attached + failed + of_failed_orders',
            ),
        }),
        orders_without_items: z.number(),
        buyers: z.object({
          matched_by_phone: z.number(),
          matched_by_nick: z.number(),
          created: z.number(),
        }),
        unknown_headers: z.array(z.string()),
      })
      .or(
        z.object({
          kind: z.literal('orders'),
          source: z.string().describe("The orders' source: csv, or the name the import was given"),
          file_rows: z.number().describe('Data rows of the file; rows of one order number are one order'),
          items: z.object({ attached: z.number() }),
          buyers: z.object({
            matched_by_id: z.number(),
            matched_by_identity: z.number(),
            matched_by_phone: z.number(),
            matched_by_email: z.number(),
            created: z.number(),
          }),
        }),
      )
      .nullable()
      .describe("An order import's findings beyond its counts (which count orders); null for contacts"),
    files_state: z
      .enum(['kept', 'expired', 'deleted'])
      .describe(
        'Its files (the original, the failure and warnings files): kept (also while it runs), expired (deleted by the clean-up after KITH_IMPORT_FILE_RETENTION_DAYS, or 24 hours after a dry run ended) or deleted (by an administrator, DELETE /imports/{id}/files). Once gone, their downloads answer 410 `import_files_deleted`; the record, counts and undo stay',
      ),
    files_expire_at: z
      .string()
      .nullable()
      .describe(
        'When the clean-up deletes its files: its end plus KITH_IMPORT_FILE_RETENTION_DAYS (default 30), or plus 24 hours for a dry run. Null while it is queued or running, when files are kept until deleted by hand (KITH_IMPORT_FILE_RETENTION_DAYS=never), and once they are gone',
      ),
    files_deleted_at: z.string().nullable().describe('When its files were deleted; null while kept'),
    files_deleted_by: z
      .string()
      .nullable()
      .describe('The user who deleted its files by hand; null when kept, for the clean-up and for the CLI'),
  })
  .meta({ id: 'Import' });

const ImportPreviewSchema = z
  .object({
    format: z.enum(SOURCE_FORMATS),
    encoding: z.string().nullable(),
    encoding_confidence: z.enum(['certain', 'likely', 'unsure']).nullable(),
    encoding_candidates: z
      .array(
        z.object({
          encoding: z.string().describe('Send back as options.encoding to read the file this way'),
          label: z.string().describe('e.g. "Big5 (traditional Chinese)"'),
          option: z.string().describe('The same as the CLI spells it: --encoding big5'),
          sample: z.array(z.string()).describe("The file's first lines with non-ASCII text, read this way"),
        }),
      )
      .describe('When encoding_confidence is unsure: the plausible readings side by side; empty otherwise'),
    delimiter: z.string().nullable(),
    sheets: z.array(z.string()),
    sheet: z.string().nullable(),
    header_row: z.number().describe('Row of the file the header was read from (1 = the first)'),
    header: z.array(z.string()),
    rows: z.array(z.array(z.string())),
    row_numbers: z
      .array(z.number())
      .describe("Each preview row's number in the file, as the failure file names it"),
    targets: z
      .array(z.string())
      .optional()
      .describe("kind orders: the targets an order file's columns may take (and identity.<type>)"),
    upload_id: z
      .string()
      .describe(
        'Handle of the file as this preview read it: send it as the multipart field `upload_id` (instead of the file) to /imports/preview and /imports; kept 24 hours for the user who sent it, removed once an import (not a dry run) runs it',
      ),
    upload_expires_at: z.string().describe('When the staged file is removed unless an import runs it first'),
    suggested_mapping: z.array(
      z.object({
        column: z.string(),
        index: z.number(),
        target: z.string().nullable(),
        confidence: z.enum(['exact', 'synonym', 'none']),
        warning: z.string().optional(),
      }),
    ),
    unmapped_columns: z.array(z.string()),
    warnings: z.array(z.string()),
    earlier_import: z
      .object({
        id: z.string(),
        file_name: z.string(),
        created_at: z.string(),
        report: z.enum(['failures', 'warnings']).describe('Which of its files this is'),
        mapping: z.record(z.string(), z.string()).describe('column → target, as it imported them'),
        settings: ImportSettingsSchema,
      })
      .nullable()
      .describe(
        'When the file is the failure or warnings file of an earlier customer import (it ends in the reason column Kith adds, `error` / 失败原因 or `warning` / 警告原因, and its other columns are that import’s; the newest completed one with such rows, one whose id or file the file’s name names first): that import, whose mapping and settings the fixed rows may be imported with. Null otherwise, and for order files',
      ),
  })
  .meta({ id: 'ImportPreview' });

const StagedUploadSchema = z
  .object({
    upload_id: z
      .string()
      .describe('Send as the multipart field `upload_id` to /imports/preview and /imports'),
    file_name: z.string(),
    file_size: z.number().describe('Bytes'),
    expires_at: z.string().describe('When the file is removed unless an import runs it first'),
  })
  .meta({ id: 'StagedUpload' });

const STAGED_LIMIT_NOTE =
  'One user may have at most KITH_MAX_STAGED_UPLOADS uploads (default 20) of KITH_MAX_STAGED_UPLOADS_MB in all (default 1024) staged and not yet imported: a preview of a new file past either answers 429 `too_many_staged_uploads`, its file not kept; `details` has `limit_count`, `limit_bytes`, `staged_count`, `staged_bytes`, `file_bytes` and `uploads` (each staged upload, oldest first). Import one (not a dry run), discard one (DELETE /imports/uploads/{id}), or wait until the oldest expires (24 hours after its preview).';

const FILES_GONE_NOTE =
  "410 `import_files_deleted` once the import's files are deleted (`files_state` expired: by the clean-up after KITH_IMPORT_FILE_RETENTION_DAYS, or 24 hours after a dry run ended; deleted: by an administrator); `details` has `files_state` and `files_deleted_at`.";

const MULTIPART_NOTE =
  'multipart/form-data: `file` (CSV or XLSX), or `upload_id` (the handle a preview answered, so the file is sent once) — with `kind` = `orders`, a shop’s order file whose mapping targets are order_number, status, amounts, times, customer.id / customer.phone / customer.email / identity.<type>, item.* or items (options also order_source, currency, utc_offset) — or, for a Tmall order import, `orders_file` (the order report) and `items_file` (its items report), whose options are encoding, tags, group, region, dry_run, run_automation_rules — optional `mapping` (JSON object column → target) and `options` (JSON: encoding, delimiter, sheet, header_row (when the header is not the first row), tags, group, source_policy, region, create_attributes, on_file_duplicate, dry_run, run_automation_rules (default true; false for a migration that must not trigger contact rules), initial_source, initial_source_detail, campaign (values for the whole file, at most 1,000 characters without control characters: set under source_policy — new-only: on new customers, all: on every imported one — where the row’s own mapped column is empty or absent)).';

export function importRoutes(services: KithServices, onJobQueued: () => void): FastifyPluginAsyncZod {
  const { imports } = services;
  return async (app) => {
    app.get('/imports/settings', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary:
          'What an upload may be: the size limit (KITH_MAX_UPLOAD_MB), the default phone region, the identity types an import creates on first use',
        response: {
          200: z.object({
            max_upload_bytes: z.number(),
            default_region: z.string().describe('KITH_DEFAULT_REGION: phones without a country code'),
            formats: z.array(z.enum(SOURCE_FORMATS)),
            well_known_identity_types: z
              .array(z.object({ key: z.string(), label: z.string() }))
              .describe(
                'Identity types a mapping may target before they exist (identity.<key>): the import creates them on first use',
              ),
          }),
        },
      },
      handler: async () => ({
        max_upload_bytes: services.config.maxUploadBytes,
        default_region: services.config.defaultRegion,
        formats: [...SOURCE_FORMATS],
        well_known_identity_types: WELL_KNOWN_IDENTITIES.map(({ key, label }) => ({ key, label })),
      }),
    });

    app.post('/imports/preview', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary: 'Preview a file: encoding, delimiter, sheets, header, first rows, suggested mapping',
        description: `${MULTIPART_NOTE} ${STAGED_LIMIT_NOTE}`,
        response: { 200: ImportPreviewSchema, 429: ErrorSchema },
      },
      handler: async (request) => {
        const upload = await receiveUpload(request, services.config.maxUploadBytes, true);
        try {
          checkImportKind(upload.fields);
          const o = importOptions(upload.fields);
          const source = sourceOf(services, upload, request);
          // A generic order file: the same preview, with order targets suggested.
          const previewOf = (filePath: string, read: Parameters<typeof imports.preview>[0]) =>
            upload.fields.kind === 'orders'
              ? services.orders.previewOrderFile({ ...read, filePath })
              : imports.preview({ ...read, filePath, fileName: source.fileName });
          const read = {
            encoding: o.encoding,
            delimiter: o.delimiter,
            sheet: o.sheet,
            headerRow: o.headerRow,
            createAttributes: o.createAttributes,
          };
          if (source.staged) {
            const preview = await previewOf(source.filePath, { filePath: source.filePath, ...read });
            return {
              ...preview,
              upload_id: source.staged.upload_id,
              upload_expires_at: source.staged.expires_at,
            };
          }
          // Past the user's limit of staged uploads: refused before the file is read (and again as
          // it is kept, `stage`).
          const owner = request.user?.id ?? null;
          services.importUploads.checkRoom(owner, fs.statSync(source.filePath).size);
          // Read first, so a file that cannot be previewed is refused without being kept.
          const preview = await previewOf(source.filePath, { filePath: source.filePath, ...read });
          const staged = services.importUploads.stage(source.filePath, source.fileName, owner);
          return { ...preview, upload_id: staged.upload_id, upload_expires_at: staged.expires_at };
        } finally {
          upload.cleanup();
        }
      },
    });

    app.post('/imports', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary: 'Start an import (a background job); answers 202 with the import',
        description: MULTIPART_NOTE,
        response: { 202: ImportRecordSchema },
      },
      handler: async (request, reply) => {
        const upload = await receiveUpload(request, services.config.maxUploadBytes, true);
        try {
          // A retried upload with its Idempotency-Key gets the first answer: one import, not two.
          if (await replayedUpload(services.idempotencyKeys, request, reply, upload)) return reply;
          checkImportKind(upload.fields);
          if (upload.fields.kind === 'tmall_orders' || upload.files.orders_file || upload.files.items_file) {
            if (!upload.filePath)
              throw new ValidationError(
                'orders_file',
                null,
                'is required: an order import sends its files (upload_id is for customer files)',
              );
            const record = await startTmallImport(
              services,
              { ...upload, filePath: upload.filePath },
              actorOf(request),
            );
            onJobQueued();
            reply.status(202);
            return record;
          }
          const options = importOptions(upload.fields);
          // The import keeps its own copy; a dry run leaves the upload for the run that follows it.
          const source = options.dryRun
            ? { ...sourceOf(services, upload, request), started: () => {}, notStarted: () => {} }
            : runSourceOf(services, upload, request);
          // An order file's import answers its id; a customer file's, its record as queued.
          let started: string | ImportRecord;
          try {
            started =
              upload.fields.kind === 'orders'
                ? await services.orders.startOrderFileImport(
                    {
                      filePath: source.filePath,
                      fileName: source.fileName,
                      ...options,
                      ...orderFileOptions(upload.fields),
                    },
                    actorOf(request),
                  )
                : await imports.start(
                    { filePath: source.filePath, fileName: source.fileName, ...options },
                    actorOf(request),
                  );
          } catch (e) {
            source.notStarted();
            throw e;
          }
          source.started();
          onJobQueued();
          reply.status(202);
          return typeof started === 'string' ? imports.get(started) : started;
        } finally {
          upload.cleanup();
        }
      },
    });

    app.get('/imports/uploads', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary: 'Your uploads staged by a preview and not yet imported, oldest first',
        description: STAGED_LIMIT_NOTE,
        response: { 200: z.object({ data: z.array(StagedUploadSchema) }) },
      },
      handler: async (request) => ({ data: services.importUploads.list(request.user?.id ?? null) }),
    });

    app.delete('/imports/uploads/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary: 'Discard an upload staged by a preview (yours only): its file is removed at once',
        description:
          '204, then the upload_id names nothing (404 `upload_not_found`, as an upload of another user, a run one or an expired one does).',
        params: IdParams,
        response: { 204: z.null(), ...errorResponses },
      },
      handler: async (request, reply) => {
        services.importUploads.discard(request.params.id, request.user?.id ?? null);
        return reply.status(204).send(null);
      },
    });

    app.get('/imports', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary: 'Import history, newest first',
        querystring: z.object({
          before: beforeIdParam('import', 'the imports'),
          limit: wholeNumberParam(1, 500).optional(),
          dry_run: z
            .enum(['true', 'false'])
            .optional()
            .describe('true: checks (dry runs) only; false: real imports only; absent: both'),
        }),
        response: { 200: z.object({ data: z.array(ImportRecordSchema) }) },
      },
      handler: async (request) => {
        const { dry_run, ...page } = request.query;
        return {
          data: await imports.list({
            ...page,
            dryRun: dry_run === undefined ? undefined : dry_run === 'true',
          }),
        };
      },
    });

    app.get('/imports/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary: 'An import: status, progress and counts',
        params: IdParams,
        response: { 200: ImportRecordSchema },
      },
      handler: async (request) => imports.get(request.params.id),
    });

    app.get('/imports/:id/row-report', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary: 'The failure or warnings file summarised: reasons by kind with counts, and the first rows',
        description:
          'What the result page shows without downloading the file: `total` rows, every reason kind (the value and other rows’ numbers left out, so rows failing for one cause count together; a row failing for two reasons counts under both) most common first, and the first 10 rows with their values under `columns`. Answers while the import runs.',
        params: IdParams,
        querystring: z.object({ kind: z.enum(['failures', 'warnings']).default('failures') }),
        response: {
          200: z.object({
            columns: z.array(z.string()),
            total: z.number(),
            reasons: z.array(z.object({ reason: z.string(), count: z.number(), example_row: z.number() })),
            rows: z.array(
              z.object({ row_number: z.number(), reason: z.string(), cells: z.array(z.string()) }),
            ),
          }),
          ...errorResponses,
        },
      },
      handler: async (request) => imports.rowReport(request.params.id, request.query.kind),
    });

    app.get('/imports/:id/failures', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary: 'Download the failure file (CSV, UTF-8 with BOM)',
        description: FILES_GONE_NOTE,
        params: IdParams,
      },
      handler: async (request, reply) => {
        const file = await imports.failureFile(request.params.id);
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header(
          'content-disposition',
          reportFileDisposition(request.params.id, await imports.get(request.params.id), 'failures'),
        );
        return reply.send(fs.createReadStream(file));
      },
    });

    app.get('/imports/:id/item-failures', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary:
          "Download a Tmall import's item failures: items whose order is not in the orders file, the items report's columns and `error` (CSV, UTF-8 with BOM)",
        description: FILES_GONE_NOTE,
        params: IdParams,
      },
      handler: async (request, reply) => {
        const file = await services.orders.itemFailureFile(request.params.id);
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header('content-disposition', `attachment; filename="${request.params.id}-item-failures.csv"`);
        return reply.send(fs.createReadStream(file));
      },
    });

    app.get('/imports/:id/warnings', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary:
          'Download the warnings file: rows imported with a value left out, the reason in a last column `warning` (CSV, UTF-8 with BOM)',
        description: FILES_GONE_NOTE,
        params: IdParams,
      },
      handler: async (request, reply) => {
        const file = await imports.warningFile(request.params.id);
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header(
          'content-disposition',
          reportFileDisposition(request.params.id, await imports.get(request.params.id), 'warnings'),
        );
        return reply.send(fs.createReadStream(file));
      },
    });

    app.get('/imports/:id/source', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary: 'Download the original file',
        description: FILES_GONE_NOTE,
        params: IdParams,
      },
      handler: async (request, reply) => {
        const source = await imports.sourceFile(request.params.id);
        reply.header('content-type', 'application/octet-stream');
        reply.header(
          'content-disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(source.fileName)}`,
        );
        return reply.send(fs.createReadStream(source.path));
      },
    });

    app.post('/imports/:id/cancel', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary: 'Cancel a queued or running import',
        params: IdParams,
        response: { 200: ImportRecordSchema },
      },
      handler: async (request) => imports.cancel(request.params.id),
    });

    app.post('/imports/:id/import-for-real', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary: 'Import a completed dry run for real: its file, mapping and settings, as a new import',
        description:
          '202 with the new import (queued; follow it at /api/imports/{new id}). 409 `not_a_dry_run`, `dry_run_not_completed`, `dry_run_not_contacts` (order imports are sent again with their files) `already_importing` (an import of the same file has not ended; `details.import_id` names it) or `already_imported_for_real` (this dry run was imported for real and that import was not undone; `details.import_id` names it; a request repeated or sent twice at once queues one import); 410 `source_file_gone` when the file is no longer kept (a dry run keeps its files 24 hours after it ends, as a staged upload is kept).',
        params: IdParams,
        response: { 202: ImportRecordSchema },
      },
      handler: async (request, reply) => {
        const started = await imports.importDryRunForReal(request.params.id, actorOf(request));
        onJobQueued();
        reply.code(202);
        return started;
      },
    });

    app.delete('/imports/:id/files', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary:
          "Delete an import's files now: the original, the failure and warnings files (and the failed rows' values kept for them)",
        description:
          "200 with the import (`files_state` deleted, `files_deleted_at`, `files_deleted_by`). Its history, counts, row outcomes and undo stay: an undo does not read the files. Its downloads then answer 410 `import_files_deleted`. Recorded in the audit log (entity `import`, action `files_deleted`). 409 `import_running` while it is queued or running; files already deleted answer the import as it is. Without this, the clean-up deletes them KITH_IMPORT_FILE_RETENTION_DAYS after the import ended (a dry run's after 24 hours).",
        params: IdParams,
        response: { 200: ImportRecordSchema, ...errorResponses },
      },
      handler: async (request) => imports.deleteFiles(request.params.id, actorOf(request)),
    });

    app.post('/imports/:id/undo', {
      config: { access: 'admin' },
      schema: {
        tags: ['imports'],
        summary: 'Undo an import: delete what it created, restore what it changed',
        params: IdParams,
        response: { 200: ImportRecordSchema },
      },
      handler: async (request) => imports.undo(request.params.id, actorOf(request)),
    });
  };
}
