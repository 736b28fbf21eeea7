/**
 * Duplicates over HTTP: matching rules and policy, scans, the review queue and its decisions, the
 * duplicate check, merges and unmerges. Reading the queue and checking are open to agents; everything
 * that changes contacts, or the rules, is admin-only.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { duplicateJob, MERGE_MATCHES_JOB_KIND, queueMergeMatches } from '../../dedupe/duplicate-jobs.js';
import { DUPLICATE_SCAN_JOB_KIND, queueDuplicateScan } from '../../dedupe/duplicate-scan-schedule.js';
import { MAX_MERGE_CONTACTS } from '../../dedupe/contact-merge-service.js';
import { mergeMatches } from '../../dedupe/merge-matches.js';
import { ValidationError } from '../../domain/errors.js';
import type { KithServices } from '../../services.js';
import { actorOf } from '../auth-guard.js';
import { ContactInputSchema, ContactSchema, errorResponses, IdParams, wholeNumberParam } from '../schemas.js';

const Band = z.enum(['match', 'review']);
const Status = z.enum(['open', 'not_duplicate', 'skipped', 'merged']);

const ContributionSchema = z.object({
  field: z.string(),
  comparator: z.string(),
  level: z.string().describe('comparison level, or `missing` when either record has no value'),
  weight: z.number().describe('log2 Bayes factor this field adds'),
});

const PairSchema = z.object({
  id: z.string(),
  contact_a: z.string(),
  contact_b: z.string(),
  score: z.number().describe('probability in [0, 1] that the two are the same person'),
  band: Band,
  status: Status,
  cluster_id: z.string().nullable(),
  cluster_weakest: z
    .object({ pair_id: z.string(), score: z.number(), band: Band })
    .nullable()
    .describe('the weakest open pair of this pair’s cluster: the link to check first'),
  explanation: z.array(ContributionSchema),
  scan_id: z.string(),
  created_at: z.string(),
});

const ClusterSchema = z.object({
  cluster_id: z.string(),
  contact_ids: z.array(z.string()),
  pairs: z.number().describe('open pairs stored inside the cluster (every pair inside was scored)'),
  min_score: z.number().describe('the weakest pair’s score'),
  weakest: z
    .object({
      pair_id: z.string(),
      contact_a: z.string(),
      contact_b: z.string(),
      score: z.number(),
      band: Band,
    })
    .describe('the lowest-scored pair inside the cluster: the link to check first'),
  mergeable: z.boolean().describe('merged by merge-matches: every pair inside is open and in the match band'),
  held_back: z
    .object({
      reason: z.enum(['weakest_pair_below_match', 'marked_not_duplicate', 'pairs_missing']),
      detail: z.string(),
    })
    .nullable(),
});

const MergeMatchesSchema = z.object({
  clusters: z.number(),
  merged_contacts: z.number(),
  merges: z.array(
    z.object({ merge_id: z.string().nullable(), survivor_id: z.string(), merged_ids: z.array(z.string()) }),
  ),
  failed: z.array(
    z.object({
      contact_ids: z.array(z.string()),
      code: z
        .string()
        .describe(
          'the refusal, as an error response names it (`conflict` …); `internal_error` for the unexpected',
        ),
      error: z.string(),
      details: z.unknown().optional(),
    }),
  ),
  already_merged: z
    .number()
    .describe(
      'clusters merged by another run (the same request at once, a merge job) or by a person after this run read the queue: skipped, not failed',
    ),
  held_back: z
    .object({
      weakest_pair_below_match: z.number(),
      marked_not_duplicate: z.number(),
      pairs_missing: z.number(),
    })
    .describe('clusters not merged, by reason'),
  held_back_clusters: z.array(
    z.object({
      cluster_id: z.string(),
      contact_ids: z.array(z.string()),
      reason: z.string(),
      detail: z.string(),
    }),
  ),
  dry_run: z.boolean(),
});

const ScanRecordSchema = z.object({
  id: z.string(),
  kind: z.enum(['full', 'incremental']),
  started_at: z.string(),
  finished_at: z.string(),
  contacts: z.number().describe('contacts the scan read'),
  compared: z.number().describe('pairs of contacts it compared'),
  pairs: z.number().describe('pairs it found in the match or review band'),
  clusters: z.number(),
  created_by: z.string().nullable(),
  thresholds: z
    .object({ match: z.number(), review: z.number() })
    .nullable()
    .describe('the band thresholds its model derived (null when the rules set them or EM did not run)'),
});

const JobViewSchema = z.object({
  id: z.string(),
  state: z.string().describe('queued, running, done or failed'),
  attempts: z.number(),
  last_error: z.string().nullable(),
  progress: z.unknown().describe('What the job last reported; null before it started.'),
  created_at: z.string(),
  updated_at: z.string(),
});

const QueueCountsSchema = z.object({
  status: z.object({ open: z.number(), not_duplicate: z.number(), skipped: z.number(), merged: z.number() }),
  open: z.object({ match: z.number(), review: z.number() }).describe('open pairs per band'),
});

const CandidateSchema = z.object({
  contact_id: z.string(),
  score: z.number(),
  band: Band,
  explanation: z.array(ContributionSchema),
  held_keys: z
    .array(z.string())
    .describe(
      'unique keys of the would-be contact this one already holds (`email`, `phone`, `identity.<type>`): creating it would be refused',
    ),
});

const RulesTrialSchema = z.object({
  contact_ids: z.array(z.string()),
  score: z.number(),
  band: z.enum(['match', 'review', 'none']),
  thresholds: z.object({ match: z.number(), review: z.number() }),
  model: z.enum(['last_scan', 'generic']),
  explanation: z.array(ContributionSchema),
});

const ChoiceSchema = z.object({
  field: z.string(),
  chosen_from: z.string(),
  value: z.unknown(),
  replaced: z.array(z.object({ contact_id: z.string(), value: z.unknown() })),
});

const DroppedIdentitySchema = z.object({ contact_id: z.string(), type: z.string(), value: z.string() });

const MergeResultSchema = z.object({
  merge_id: z.string().nullable().describe('null on a dry run'),
  survivor_id: z.string(),
  merged_ids: z.array(z.string()),
  contact: ContactSchema,
  choices: z.array(ChoiceSchema),
  dropped_identities: z.array(DroppedIdentitySchema),
  dry_run: z.boolean(),
});

const MergeSchema = z.object({
  id: z.string(),
  survivor_id: z.string(),
  merged_ids: z.array(z.string()),
  people: z
    .array(
      z.object({
        id: z.string(),
        name: z.string().nullable(),
        first_name: z.string().nullable(),
        last_name: z.string().nullable(),
        email: z.string().nullable(),
        phone: z.string().nullable(),
      }),
    )
    .describe('the survivor and each merged contact as they were just before the merge'),
  choices: z.array(ChoiceSchema),
  dropped_identities: z.array(DroppedIdentitySchema),
  created_by: z.string().nullable(),
  created_at: z.string(),
  undone_at: z.string().nullable(),
});

export function duplicateRoutes(services: KithServices, onJobQueued: () => void): FastifyPluginAsyncZod {
  const { duplicateSettings, duplicateScans, duplicateCheck, merges } = services;
  return async (app) => {
    app.get('/duplicates/rules', {
      config: { access: 'agent' },
      schema: {
        tags: ['duplicates'],
        summary: 'The matching rules in force',
        response: { 200: z.object({ rules: z.unknown(), is_default: z.boolean() }), ...errorResponses },
      },
      handler: async () => duplicateSettings.rules(),
    });
    app.put('/duplicates/rules', {
      schema: {
        tags: ['duplicates'],
        summary: 'Replace the matching rules',
        description:
          '`{"fields": [{"field": "name", "comparator": "name"}, …], "blocking"?, "thresholds"?, "prior"?, "max_block_size"?}`. Comparators: exact, text, name, email, phone, date, address, number, identifier.',
        body: z.unknown(),
        response: { 200: z.unknown(), ...errorResponses },
      },
      handler: async (request) => duplicateSettings.setRules(request.body),
    });
    app.get('/duplicates/score', {
      config: { access: 'agent' },
      schema: {
        tags: ['duplicates'],
        summary: 'Score two customers with the saved rules',
        description:
          'What a scan with the saved rules would say of two customers, whether or not a stored pair joins them (customers compared from a group or a merge). `band` is `none` below the review threshold.',
        querystring: z.object({ ids: z.string().describe('Exactly two customer ids, comma-separated.') }),
        response: { 200: RulesTrialSchema, ...errorResponses },
      },
      handler: async (request) =>
        duplicateCheck.scoreTwo(
          request.query.ids
            .split(',')
            .map((id) => id.trim())
            .filter(Boolean),
        ),
    });
    app.post('/duplicates/rules/try', {
      schema: {
        tags: ['duplicates'],
        summary: 'Score two customers under draft rules before saving them',
        description:
          'The rules are validated as `PUT /api/duplicates/rules` would (the same errors); nothing is saved. Scored with the weights the last full scan learnt when its fields are the draft’s (`model: "last_scan"`), else generic ones (`"generic"`). `band` is `none` below the review threshold.',
        body: z.object({
          rules: z.unknown(),
          contact_ids: z.array(z.string()).describe('Exactly two customer ids.'),
        }),
        response: { 200: RulesTrialSchema, ...errorResponses },
      },
      handler: async (request) => duplicateCheck.tryRules(request.body.rules, request.body.contact_ids),
    });
    app.delete('/duplicates/rules', {
      schema: {
        tags: ['duplicates'],
        summary: 'Go back to the default rules',
        response: { 204: z.null(), ...errorResponses },
      },
      handler: async (_request, reply) => {
        await duplicateSettings.resetRules();
        return reply.status(204).send(null);
      },
    });
    app.get('/duplicates/policy', {
      config: { access: 'agent' },
      schema: {
        tags: ['duplicates'],
        summary: 'On-create policy and scan schedule',
        response: { 200: z.unknown(), ...errorResponses },
      },
      handler: async () => duplicateSettings.policy(),
    });
    app.patch('/duplicates/policy', {
      schema: {
        tags: ['duplicates'],
        summary:
          'Change the on-create policy (warn | block) or the incremental scan schedule (minutes | null)',
        body: z.unknown(),
        response: { 200: z.unknown(), ...errorResponses },
      },
      handler: async (request) => duplicateSettings.setPolicy(request.body),
    });

    app.post('/duplicates/scans', {
      schema: {
        tags: ['duplicates'],
        summary: 'Start a duplicate scan (full, or incremental: contacts changed since the last scan)',
        description:
          'Queued for the background worker by default (202 with `job_id`; follow it at `/api/duplicates/scans/jobs/{id}`, results in `/api/duplicates/scans`). `wait: true` runs it within the request and answers with its summary.',
        body: z.object({ incremental: z.boolean().optional(), wait: z.boolean().optional() }).optional(),
        response: {
          200: z.unknown(),
          202: z.object({ job_id: z.string(), state: z.string() }),
          ...errorResponses,
        },
      },
      handler: async (request, reply) => {
        const incremental = request.body?.incremental ?? false;
        if (request.body?.wait)
          return duplicateScans.scanOnOwnThread({ incremental, actor: actorOf(request) });
        const jobId = await queueDuplicateScan(services.store, incremental);
        onJobQueued();
        reply.status(202);
        return { job_id: jobId, state: 'queued' };
      },
    });
    app.get('/duplicates/scans', {
      config: { access: 'agent' },
      schema: {
        tags: ['duplicates'],
        summary: 'Recent scans, newest first',
        response: { 200: z.object({ data: z.array(ScanRecordSchema) }), ...errorResponses },
      },
      handler: async () => ({ data: await duplicateScans.listScans() }),
    });
    app.get('/duplicates/counts', {
      config: { access: 'agent' },
      schema: {
        tags: ['duplicates'],
        summary: 'The review queue’s size: pairs per status, open pairs per band',
        response: { 200: QueueCountsSchema, ...errorResponses },
      },
      handler: async () => duplicateScans.counts(),
    });
    app.get('/duplicates/scans/jobs/:id', {
      config: { access: 'agent' },
      schema: {
        tags: ['duplicates'],
        summary:
          'State of a queued scan: queued, running or done (with last_error when it failed), and its progress',
        description:
          '`progress`: `{stage, step, steps}` while it runs (stages: load, block, compare, train, score, cluster, save); `{stage: "done", summary}` once done.',
        params: IdParams,
        response: { 200: JobViewSchema, ...errorResponses },
      },
      handler: async (request) => duplicateJob(services.store, DUPLICATE_SCAN_JOB_KIND, request.params.id),
    });

    app.get('/duplicates', {
      config: { access: 'agent' },
      schema: {
        tags: ['duplicates'],
        summary: 'The review queue: pairs, strongest first',
        querystring: z.object({
          band: Band.optional(),
          status: Status.optional(),
          min_score: z.coerce
            .number({ error: 'must be a number from 0 to 1' })
            .min(0, { error: 'must be a number from 0 to 1' })
            .max(1, { error: 'must be a number from 0 to 1' })
            .optional(),
          field: z.string().optional().describe('only pairs agreeing on this field'),
          limit: wholeNumberParam(1, 1000).optional(),
          after: z.string().optional().describe('pair id to continue after'),
        }),
        response: { 200: z.object({ data: z.array(PairSchema) }), ...errorResponses },
      },
      handler: async (request) => ({ data: await duplicateScans.list({ limit: 100, ...request.query }) }),
    });
    app.get('/duplicates/clusters', {
      config: { access: 'agent' },
      schema: {
        tags: ['duplicates'],
        summary: 'Coherent groups of contacts joined by open match pairs, each with its weakest pair',
        description:
          'Every pair inside a cluster was scored by the scan. `mergeable`: every pair inside is open and in the match band (what merge-matches merges); otherwise `held_back` says why.',
        response: { 200: z.object({ data: z.array(ClusterSchema) }), ...errorResponses },
      },
      handler: async () => ({ data: await duplicateScans.clusters() }),
    });
    app.get('/duplicates/export.csv', {
      schema: {
        tags: ['duplicates'],
        summary: 'Open pairs as CSV: a_id,b_id,a_external_id,b_external_id,score,band',
        querystring: z.object({ band: Band.optional() }),
      },
      handler: async (request, reply) => {
        const { csv } = await duplicateScans.pairsCsv({ band: request.query.band });
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header('content-disposition', 'attachment; filename="duplicates.csv"');
        return reply.send(csv);
      },
    });
    app.get('/duplicates/:id', {
      config: { access: 'agent' },
      schema: {
        tags: ['duplicates'],
        summary: 'One pair with its explanation',
        params: IdParams,
        response: { 200: PairSchema, ...errorResponses },
      },
      handler: async (request) => duplicateScans.get(request.params.id),
    });
    app.post('/duplicates/:id/decision', {
      config: { access: 'agent' },
      schema: {
        tags: ['duplicates'],
        summary: 'Decide a pair: not_duplicate (never proposed again), skipped (until the next scan) or open',
        params: IdParams,
        body: z.object({ decision: z.enum(['not_duplicate', 'skipped', 'open']) }),
        response: { 200: PairSchema, ...errorResponses },
      },
      handler: async (request) =>
        duplicateScans.decide(request.params.id, request.body.decision, actorOf(request)),
    });
    app.post('/duplicates/merge-matches', {
      schema: {
        tags: ['duplicates'],
        summary:
          'Merge every open cluster whose every pair is in the match band into its default survivor (on request only)',
        description:
          'Clusters with a pair below the match band, a pair marked not_duplicate or pairs no longer open are held back for review; `held_back` counts them by reason (also on a dry run). `background: true` queues the merge as a job (202 with `job_id`; follow it at `/api/duplicates/merge-matches/jobs/{id}`).',
        body: z.object({ dry_run: z.boolean().optional(), background: z.boolean().optional() }).optional(),
        response: {
          200: MergeMatchesSchema,
          202: z.object({ job_id: z.string(), state: z.string() }),
          ...errorResponses,
        },
      },
      handler: async (request, reply) => {
        if (request.body?.background && !request.body.dry_run) {
          const jobId = await queueMergeMatches(services.store, actorOf(request));
          onJobQueued();
          reply.status(202);
          return { job_id: jobId, state: 'queued' };
        }
        return mergeMatches(duplicateScans, merges, actorOf(request), { dryRun: request.body?.dry_run });
      },
    });
    app.get('/duplicates/merge-matches/jobs/:id', {
      schema: {
        tags: ['duplicates'],
        summary: 'State of an automatic merge job and its progress',
        description:
          '`progress`: `{stage: "merging", done, total, merged_clusters, merged_contacts, failed, already_merged, held_back}` while it runs; `stage: "done"` with the first 100 `merges` and `failures` once done (the merge history has every merge).',
        params: IdParams,
        response: { 200: JobViewSchema, ...errorResponses },
      },
      handler: async (request) => duplicateJob(services.store, MERGE_MATCHES_JOB_KIND, request.params.id),
    });

    app.post('/contacts/duplicates/check', {
      config: { access: 'agent' },
      schema: {
        tags: ['duplicates'],
        summary: 'Score a would-be contact against existing ones',
        body: ContactInputSchema,
        response: { 200: z.object({ candidates: z.array(CandidateSchema) }), ...errorResponses },
      },
      handler: async (request) => ({ candidates: await duplicateCheck.check(request.body) }),
    });

    app.post('/contacts/merge', {
      schema: {
        tags: ['duplicates'],
        summary: 'Merge contacts into a survivor (dry_run shows the result first)',
        description:
          'Emails, phones, identities, tags and groups are all kept; `prefer` maps a field (`first_name`, `email`, `attr.tier`, `identity.crm`) to the contact whose value wins. Default survivor: the most filled record, ties to the oldest.',
        body: z.object({
          contact_ids: z.array(z.string()).min(1),
          survivor_id: z.string().optional(),
          prefer: z.record(z.string(), z.string()).optional(),
          dry_run: z.boolean().optional(),
        }),
        response: { 200: MergeResultSchema, ...errorResponses },
      },
      handler: async (request) =>
        merges.merge(
          {
            contactIds: request.body.contact_ids,
            survivorId: request.body.survivor_id,
            prefer: request.body.prefer,
            dryRun: request.body.dry_run,
          },
          actorOf(request),
        ),
    });
    app.get('/merges', {
      config: { access: 'agent' },
      schema: {
        tags: ['duplicates'],
        summary: 'Merges, newest first',
        querystring: z.object({
          contact_id: z
            .string()
            .optional()
            .describe(
              `Merges whose survivor or merged contacts include this contact; several as a comma-separated list (at most ${MAX_MERGE_CONTACTS}).`,
            ),
        }),
        response: { 200: z.object({ data: z.array(MergeSchema) }), ...errorResponses },
      },
      handler: async (request) => {
        const raw = request.query.contact_id;
        const contactIds = raw === undefined ? [] : [...new Set(raw.split(',').map((id) => id.trim()))];
        if (contactIds.some((id) => id === ''))
          throw new ValidationError('contact_id', raw, 'has an empty id in its list');
        if (contactIds.length > MAX_MERGE_CONTACTS)
          throw new ValidationError('contact_id', raw, `lists more than ${MAX_MERGE_CONTACTS} contacts`);
        return { data: await merges.list({ contactIds }) };
      },
    });
    app.get('/merges/:id', {
      config: { access: 'agent' },
      schema: {
        tags: ['duplicates'],
        summary: 'One merge',
        params: IdParams,
        response: { 200: MergeSchema, ...errorResponses },
      },
      handler: async (request) => merges.get(request.params.id),
    });
    app.post('/merges/:id/unmerge', {
      schema: {
        tags: ['duplicates'],
        summary: 'Undo a merge; 409 `unmerge_blocked` names what prevents it',
        params: IdParams,
        response: { 200: z.unknown(), ...errorResponses },
      },
      handler: async (request) => merges.unmerge(request.params.id, actorOf(request)),
    });
  };
}
