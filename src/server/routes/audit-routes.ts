/**
 * The audit log for administrators: every settings change (users, tokens, identity types, attributes,
 * tags, groups, webhooks …) and every customer change, newest first, filtered and paged.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ValidationError } from '../../domain/errors.js';
import { isIsoDateOrTime } from '../../domain/normalize/date.js';
import type { KithServices } from '../../services.js';
import { AuditEntrySchema, errorResponses, wholeNumberParam } from '../schemas.js';

const NamedAuditEntrySchema = AuditEntrySchema.extend({
  actor: z
    .object({ id: z.string(), email: z.string(), name: z.string().nullable() })
    .nullable()
    .describe('The user who made the change; null for the system or a command run without a user'),
  entity_name: z
    .string()
    .nullable()
    .describe("What the record is called (a tag's name, a user's e-mail, a webhook's URL …), when known"),
}).meta({ id: 'AuditLogEntry' });

export function auditRoutes(services: KithServices): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/audit', {
      config: { access: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first',
        description:
          'Entity types include user, api_token, identity_type, attribute_definition, tag, group, webhook_endpoint, contact, automation_rule, inbox, team, export (requested, completed, downloaded, streamed, deleted), import (files_deleted), sign_in and setup. Page with `cursor` (the previous answer’s `next_cursor`).',
        querystring: z.object({
          entity_type: z
            .string()
            .optional()
            .describe('One entity type, or several separated by commas (user,api_token)'),
          entity_id: z.string().optional().describe('Only the entries of this record'),
          actor: z.string().optional().describe('Only changes made by this user (id)'),
          since: z.string().optional().describe('Only entries at or after this time (ISO 8601)'),
          cursor: z.string().optional(),
          limit: wholeNumberParam(1, 200).optional(),
        }),
        response: {
          200: z.object({ data: z.array(NamedAuditEntrySchema), next_cursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
      handler: async (request) => {
        const { entity_type, entity_id, actor, since, cursor, limit } = request.query;
        let sinceIso: string | undefined;
        if (since) {
          const date = new Date(since);
          if (!isIsoDateOrTime(since) || Number.isNaN(date.getTime()))
            throw new ValidationError(
              'since',
              since,
              'must be a date or time in ISO 8601 (2026-11-22T08:00Z)',
            );
          sinceIso = date.toISOString();
        }
        const entityTypes = entity_type
          ?.split(',')
          .map((t) => t.trim())
          .filter(Boolean);
        return services.auditLog.search({
          entityTypes,
          entityId: entity_id || undefined,
          actorId: actor || undefined,
          since: sinceIso,
          before: cursor || undefined,
          limit: limit ?? 50,
        });
      },
    });
  };
}
