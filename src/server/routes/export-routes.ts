/**
 * Exports over HTTP: the customers list's selection streamed as CSV, XLSX, JSON, NDJSON or XML. The
 * request is checked (format, columns, filters) and the first page read before the answer starts, so
 * a bad request is a 400 with details, never a broken file.
 */
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ContactExportQuery } from '../../exports/contact-export-service.js';
import { EXPORT_FORMATS } from '../../exports/contact-export-service.js';
import type { KithServices } from '../../services.js';
import { ContactFilterFields } from '../schemas.js';

const ExportQuery = z.looseObject({
  format: z.enum(EXPORT_FORMATS).describe('csv (UTF-8 with BOM), xlsx, json (an array), ndjson or xml.'),
  columns: z
    .string()
    .optional()
    .describe(
      'Comma-separated columns in the order wanted (`name,email,identity.*,attr.*`); every column when absent.',
    ),
  ...ContactFilterFields,
  ids: z.string().optional().describe('Comma-separated contact ids (at most 1,000).'),
});

export function exportRoutes(services: KithServices): FastifyPluginAsyncZod {
  return async (app) => {
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
        const { format, columns, ...rest } = request.query;
        const query: Record<string, unknown> = {};
        const attributes: Record<string, string> = {};
        for (const [key, value] of Object.entries(rest)) {
          if (key.startsWith('attr.') && typeof value === 'string') attributes[key.slice(5)] = value;
          else query[key] = value;
        }
        const prepared = await services.exports.prepare({
          format,
          columns,
          query: { ...(query as ContactExportQuery), attributes },
        });
        const body = new PassThrough();
        prepared.writeTo(body).catch((e: unknown) => {
          request.log.error({ err: e }, 'export failed after the answer started');
          body.destroy(e as Error);
        });
        const day = new Date().toISOString().slice(0, 10);
        reply.header('content-type', prepared.contentType);
        reply.header('content-disposition', `attachment; filename="contacts-${day}.${prepared.format}"`);
        return reply.send(body);
      },
    });
  };
}
