/**
 * Exports over HTTP: the customers list's selection streamed as CSV, XLSX, JSON, NDJSON or XML. The
 * request is checked (format, columns, filters) and the first page read before the answer starts, so
 * a bad request is a 400 with details, never a broken file.
 */
import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ContactExportQuery } from '../../exports/contact-export-service.js';
import { EXPORT_FORMATS } from '../../exports/contact-export-service.js';
import { EXPORT_COLUMN_NAMINGS } from '../../exports/export-column-names.js';
import { EXPORT_KINDS } from '../../exports/export-job-service.js';
import { ORDER_EXPORT_FORMATS } from '../../exports/order-export.js';
import type { KithServices } from '../../services.js';
import { actorOf, currentUser } from '../auth-guard.js';
import {
  ContactFilterFields,
  contactListQuery,
  ErrorSchema,
  errorResponses,
  IdParams,
  wholeNumberParam,
} from '../schemas.js';

const ColumnNames = z
  .enum(EXPORT_COLUMN_NAMINGS)
  .optional()
  .describe(
    "CSV and XLSX: what the header calls the columns. keys (default): the import's and the API's field keys (`email`, `identity.wechat_openid`); en or zh: the web app's field names in English or Chinese, identity types and attributes by their labels. Kith's import maps either back to the fields.",
  );

const TimeZone = z
  .string()
  .optional()
  .describe(
    'With column_names en or zh: the IANA time zone (Asia/Shanghai) whose local time the moments (created, updated, first and last purchase) are written in, as YYYY-MM-DD HH:mm:ss, the zone named in their column; UTC when absent. Exports by key write ISO 8601 in UTC.',
  );

const ExportQuery = contactListQuery({
  format: z.enum(EXPORT_FORMATS).describe('csv (UTF-8 with BOM), xlsx, json (an array), ndjson or xml.'),
  columns: z
    .string()
    .optional()
    .describe(
      'Comma-separated columns in the order wanted (`name,email,identity.*,attr.*`); every column when absent.',
    ),
  column_names: ColumnNames,
  time_zone: TimeZone,
  ...ContactFilterFields,
  ids: z.string().optional().describe('Comma-separated contact ids (at most 1,000).'),
});

const OrderExportQuery = z.object({
  format: z
    .enum(ORDER_EXPORT_FORMATS)
    .describe('csv (UTF-8 with BOM), xlsx (Orders and Items sheets), json or ndjson.'),
  contact_id: z.string().optional().describe("A customer's orders"),
  status: z
    .union([z.array(z.string()), z.string()])
    .optional()
    .transform((v) =>
      v === undefined ? undefined : (Array.isArray(v) ? v : v.split(',')).filter((x) => x !== ''),
    )
    .describe('One or more statuses, comma-separated or repeated'),
  source: z.string().optional(),
  since: z.string().optional().describe('Ordered at or after (ISO date or date-time; a date is China time)'),
  before: z.string().optional().describe('Ordered before'),
  min_amount: z.string().optional().describe('Paid (else total) at least, decimal'),
  max_amount: z.string().optional().describe('Paid (else total) at most, decimal'),
  q: z.string().optional().describe('An order number, buyer nickname or receiver name, exactly'),
});

const ExportJobSchema = z
  .object({
    id: z.string().describe('Export id, prefixed exp_'),
    kind: z.enum(EXPORT_KINDS),
    format: z.string(),
    filters: z.record(z.string(), z.unknown()).describe('The filters asked for, as the list takes them'),
    columns: z.array(z.string()).nullable().describe('The columns asked for (contacts); null: all'),
    column_names: z.enum(EXPORT_COLUMN_NAMINGS).describe('What the header calls the columns'),
    time_zone: z.string().nullable().describe('The zone of the moments (column_names en or zh)'),
    state: z
      .enum(['queued', 'running', 'done', 'failed', 'expired', 'deleted'])
      .describe(
        'expired: done, and its file was deleted after KITH_EXPORT_RETENTION_DAYS; deleted: deleted earlier by its requester or an administrator (DELETE /api/exports/{id})',
      ),
    rows: z.number().describe('Rows written so far (running) or in the file (done)'),
    bytes: z.number().nullable(),
    error: z.string().nullable(),
    file_name: z.string(),
    requested_by: z.string().nullable(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
    expires_at: z.string().nullable().describe('When the file is (or was) deleted'),
    download_url: z.string().nullable().describe('GET it for the file (done only)'),
    deleted_at: z.string().nullable().describe('When it was deleted (state deleted)'),
  })
  .meta({ id: 'ExportJob' });

const ExportJobInput = z
  .object({
    kind: z
      .string()
      .optional()
      .describe(`${EXPORT_KINDS.join(' or ')} (default contacts; contacts needs admin)`),
    format: z.string().describe('contacts: csv, xlsx, json, ndjson, xml; orders: csv, xlsx, json, ndjson'),
    filters: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        'The list’s filters: contacts as GET /api/contacts takes them (plus ids: [..], attributes: {key: value}); orders as GET /api/orders',
      ),
    columns: z
      .union([z.array(z.string()), z.string()])
      .nullable()
      .optional()
      .describe('Contacts: the columns in order (`identity.*`, `attr.*` for all); every column when absent'),
    column_names: z
      .string()
      .nullable()
      .optional()
      .describe(`Contacts, CSV and XLSX: ${EXPORT_COLUMN_NAMINGS.join(', ')} (see GET /api/contacts/export)`),
    time_zone: z.string().nullable().optional().describe('See GET /api/contacts/export'),
  })
  .strict();

export function exportRoutes(
  services: KithServices,
  onJobQueued: () => void = () => undefined,
): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/orders/export', {
      config: { access: 'agent' },
      schema: {
        tags: ['orders'],
        summary: 'Export orders with their items (streamed)',
        description:
          'The orders list’s filters select the orders, newest first. One row per order; CSV has the items in one `items` cell (`title [sku] (properties) ×quantity @price`, joined by `; `), XLSX adds an `Items` sheet (one row per item with its order id), JSON/NDJSON nest them as the API does. CSV cells are formula-injection safe.',
        querystring: OrderExportQuery,
      },
      handler: async (request, reply) => {
        const { format, ...query } = request.query;
        const prepared = await services.orderExports.prepare({ format, query });
        const day = new Date().toISOString().slice(0, 10);
        reply.header('content-type', prepared.contentType);
        reply.header('content-disposition', `attachment; filename="orders-${day}.${prepared.format}"`);
        // HEAD: the headers a GET would send (its filters checked), no rows read or sent, nothing on record.
        if (request.method === 'HEAD') return reply.send();
        await services.exportJobs.recordStreamed('orders', { format, filters: query }, actorOf(request));
        const body = new PassThrough();
        prepared.writeTo(body).catch((e: unknown) => {
          request.log.error({ err: e }, 'orders export failed after the answer started');
          body.destroy(e as Error);
        });
        return reply.send(body);
      },
    });
    app.post('/exports', {
      config: { access: 'agent' },
      schema: {
        tags: ['exports'],
        summary: 'Start a background export (a job): contacts or orders, to a file kept for download',
        description:
          'The request is checked first (kind, format, filters, columns; 400 naming the field). The job writes the file under KITH_DATA_DIR/exports; follow it at GET /api/exports/{id} (state, rows) and download it from GET /api/exports/{id}/file once done, for KITH_EXPORT_RETENTION_DAYS days (default 7). With SMTP_URL set the requester gets an e-mail with the link when it is done or failed. Contacts exports need the admin role. One user may have KITH_MAX_EXPORTS_PER_USER exports (default 20) queued, running or kept (not failed, not expired) at once: one more answers 429 `too_many_exports`, with `details.oldest_expires_at`.',
        body: ExportJobInput,
        response: { 202: ExportJobSchema, ...errorResponses, 429: ErrorSchema },
      },
      handler: async (request, reply) => {
        const user = currentUser(request);
        const started = await services.exportJobs.start(
          {
            kind: request.body.kind,
            format: request.body.format,
            filters: request.body.filters,
            columns: request.body.columns,
            column_names: request.body.column_names,
            time_zone: request.body.time_zone,
          },
          user,
          actorOf(request),
        );
        onJobQueued();
        reply.status(202);
        return started;
      },
    });
    app.get('/exports', {
      config: { access: 'agent' },
      schema: {
        tags: ['exports'],
        summary: 'Background exports, newest first: an administrator sees all, others their own',
        querystring: z.object({ limit: wholeNumberParam(1, 200).optional() }),
        response: {
          200: z.object({
            data: z.array(ExportJobSchema),
            retention_days: z.number().describe('Days a file is kept (KITH_EXPORT_RETENTION_DAYS)'),
          }),
          ...errorResponses,
        },
      },
      handler: async (request) => ({
        data: await services.exportJobs.list(currentUser(request), request.query.limit),
        retention_days: services.config.exportRetentionDays,
      }),
    });
    app.get('/exports/:id', {
      config: { access: 'agent' },
      schema: {
        tags: ['exports'],
        summary: 'One background export: state, rows so far, error, download link once done',
        params: IdParams,
        response: { 200: ExportJobSchema, ...errorResponses },
      },
      handler: async (request) => services.exportJobs.get(request.params.id, currentUser(request)),
    });
    app.delete('/exports/:id', {
      config: { access: 'agent' },
      schema: {
        tags: ['exports'],
        summary: 'Delete an export’s file before it expires (its requester or an administrator)',
        description:
          'The file is removed at once; the export stays listed as `deleted` (with deleted_at) and in the audit log, no longer counts towards KITH_MAX_EXPORTS_PER_USER, and its download answers 410 `export_deleted`. A queued export is cancelled and a running one stopped (its writer stops within a second, wherever it runs). Someone else’s export is a 404 to a non-administrator, as in GET /api/exports/{id}. Deleting a deleted export again answers it unchanged.',
        params: IdParams,
        response: { 200: ExportJobSchema, ...errorResponses },
      },
      handler: async (request) =>
        services.exportJobs.delete(request.params.id, currentUser(request), actorOf(request)),
    });
    app.get('/exports/:id/file', {
      config: { access: 'agent' },
      schema: {
        tags: ['exports'],
        summary: 'Download a finished export’s file (its requester or an administrator)',
        description:
          '409 export_not_ready while queued, running or failed; 410 export_expired once the file was deleted after KITH_EXPORT_RETENTION_DAYS, 410 export_deleted once its requester or an administrator deleted it. Each download is audit-logged.',
        params: IdParams,
      },
      handler: async (request, reply) => {
        const file = await services.exportJobs.download(
          request.params.id,
          currentUser(request),
          actorOf(request),
          request.method === 'HEAD',
        );
        reply.header('content-type', file.contentType);
        reply.header('content-disposition', `attachment; filename="${file.fileName}"`);
        if (file.bytes !== null) reply.header('content-length', String(file.bytes));
        return reply.send(fs.createReadStream(file.path));
      },
    });

    app.get('/contacts/export', {
      config: { access: 'admin' },
      schema: {
        tags: ['contacts'],
        summary: 'Export contacts (streamed)',
        description:
          'The customers list’s filters (`attr.<key>=<value>` too) select the contacts, in created_at order; the layout of each format is in src/exports/README.md. A failure after the answer started aborts the transfer (the file is then incomplete and the client sees the connection fail), never ends it cleanly.',
        querystring: ExportQuery,
      },
      handler: async (request, reply) => {
        const { format, columns, column_names, time_zone, ...rest } = request.query;
        const query: Record<string, unknown> = {};
        const attributes: Record<string, string> = {};
        for (const [key, value] of Object.entries(rest)) {
          if (key.startsWith('attr.') && typeof value === 'string') attributes[key.slice(5)] = value;
          else query[key] = value;
        }
        const prepared = await services.exports.prepare({
          format,
          columns,
          column_names,
          time_zone,
          query: { ...(query as ContactExportQuery), attributes },
        });
        const day = new Date().toISOString().slice(0, 10);
        reply.header('content-type', prepared.contentType);
        reply.header('content-disposition', `attachment; filename="contacts-${day}.${prepared.format}"`);
        // HEAD: the headers a GET would send (its filters checked), no rows read or sent, nothing on record.
        if (request.method === 'HEAD') return reply.send();
        await services.exportJobs.recordStreamed(
          'contacts',
          { format, columns, column_names, filters: { ...query, attributes } },
          actorOf(request),
        );
        const body = new PassThrough();
        prepared.writeTo(body).catch((e: unknown) => {
          request.log.error({ err: e }, 'export failed after the answer started');
          body.destroy(e as Error);
        });
        return reply.send(body);
      },
    });
  };
}
