/**
 * Runs duplicate scans over the store and keeps their results as the review queue: a full scan
 * re-reads everyone and retrains the model; an incremental scan compares only contacts created or
 * changed since the last scan against everyone, with the last full scan's model. Decisions survive
 * rescans: a pair marked "not a duplicate" is never proposed again.
 */
import { stringify } from 'csv-stringify/sync';
import type { Actor } from '../domain/actor.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { protectCell } from '../domain/csv-cell-safety.js';
import type { Store, StoreOptions } from '../store/database.js';
import type { DuplicatePairsTable } from '../store/schema.js';
import { nowIso } from '../store/transaction.js';
import { COMPARATORS } from './compare/comparator-registry.js';
import { DuplicateSettingsService } from './duplicate-settings-service.js';
import { findDuplicates } from './find-duplicates.js';
import {
  type FieldContribution,
  levelWeights,
  type TrainedModel,
  weightToProbability,
} from './model/fellegi-sunter-model.js';
import { COMPARABLE_FIELD_REASON, type FieldRule, isComparableField } from './model/matching-rules.js';
import { decodeExplanation, encodeExplanation } from './model/pair-explanation.js';
import { PreparedRecords } from './model/prepared-records.js';
import { ContactIdList } from './scan/contact-id-list.js';
import { scanOnThread } from './scan/scan-on-thread.js';
import { type ScanStage, ScanStoppedError, type ScanSummary } from './scan/scan-summary.js';
import { FieldPreparation } from './scan/field-preparation.js';
import { readDedupeValues } from './scan/load-dedupe-input.js';
import { collectGarbage } from '../jobs/collect-garbage.js';
import {
  bandCode,
  bandOf,
  clusterIdOf,
  clusterNumberOf,
  contactKey,
  involving,
  pairIdOf,
  pairNumberOf,
  scoreToStored,
  statusCode,
  statusOf,
  statusOnly,
  storedAtLeast,
  storedToScore,
} from './stored-pairs.js';

/** Scans of this many contacts collect their garbage between stages (`collectGarbage`). */
const COLLECT_GARBAGE_FROM = 100_000;
/**
 * Not before scoring: training leaves little (its patterns), and at a million contacts that collection
 * cost 0.24 s to keep the score stage about 50 MB lower, below the compare stage's peak either way.
 */
const COLLECT_BEFORE: ReadonlySet<ScanStage> = new Set(['block', 'compare', 'cluster']);

export interface DuplicatePair {
  id: string;
  contact_a: string;
  contact_b: string;
  score: number;
  band: 'match' | 'review';
  status: 'open' | 'not_duplicate' | 'skipped' | 'merged';
  cluster_id: string | null;
  /** The weakest open pair of this pair's cluster (the link to check first), or null outside a cluster. */
  cluster_weakest: { pair_id: string; score: number; band: 'match' | 'review' } | null;
  explanation: FieldContribution[];
  scan_id: string;
  created_at: string;
}

export interface ClusterHoldBack {
  /**
   * `weakest_pair_below_match`: some pair inside is only in the review band; `marked_not_duplicate`: a
   * person said two of them differ; `pairs_missing`: not every pair inside is open any more.
   */
  reason: 'weakest_pair_below_match' | 'marked_not_duplicate' | 'pairs_missing';
  detail: string;
}

export interface DuplicateCluster {
  cluster_id: string;
  contact_ids: string[];
  /** Open pairs stored for the cluster (every pair inside was scored; the queue keeps the likely ones and the weakest). */
  pairs: number;
  /** The weakest pair's score (kept for older clients; see `weakest`). */
  min_score: number;
  /** The lowest-scored pair inside the cluster: the link a reviewer should check first. */
  weakest: {
    pair_id: string;
    contact_a: string;
    contact_b: string;
    score: number;
    band: DuplicatePair['band'];
  };
  /** Whether `kith duplicates merge --auto` merges it: every pair inside is in the match band. */
  mergeable: boolean;
  held_back: ClusterHoldBack | null;
}

export interface DuplicatePairQuery {
  band?: 'match' | 'review';
  status?: DuplicatePair['status'];
  min_score?: number;
  /** Only pairs where this field agrees (its contribution is positive). */
  field?: string;
  limit?: number;
  after?: string;
}

const INSERT_CHUNK = 500;
const OPEN = statusCode('open');
const NOT_DUPLICATE = statusCode('not_duplicate');
const SKIPPED = statusCode('skipped');

interface ScanOfPairs {
  id: string;
  finished_at: string;
  model: Pick<TrainedModel, 'fields'>;
  weights: number[][];
}

function toPair(row: DuplicatePairsTable, scan: ScanOfPairs): DuplicatePair {
  return {
    id: pairIdOf(row.id),
    contact_a: row.contact_a,
    contact_b: row.contact_b,
    score: storedToScore(row.score),
    band: bandOf(row.band),
    status: statusOf(row.status),
    cluster_id: row.cluster === null ? null : clusterIdOf(row.cluster),
    cluster_weakest: null,
    explanation: decodeExplanation(row.explanation, scan.model, scan.weights),
    // A pair's scan gives its id and time (kept once per scan, not per pair).
    scan_id: scan.id,
    created_at: scan.finished_at,
  };
}

/** Scans' models kept for decoding explanations (a scan's model never changes once written). */
const MODEL_CACHE_LIMIT = 50;

/** Pairs whose scan is gone (none is ever deleted; planted by hand) show an empty model. */
const NO_SCAN: ScanOfPairs = { id: '', finished_at: '', model: { fields: [] }, weights: [] };

/**
 * A scan asked to stop (its job paused: the process running it is stopping) stopped between two of its
 * stages. It had saved nothing: a scan holds its work in memory and writes it in one transaction at its
 * end, so it cannot resume half-way and is run again from the start.
 */
export interface ScanOptions {
  incremental?: boolean;
  actor: Actor;
  onStage?: (stage: ScanStage) => void;
  /**
   * Read before each stage: true stops the scan there with ScanStoppedError, before it saves anything
   * (its job was paused). Once it saves, it finishes: the save is one transaction.
   */
  stopRequested?: () => boolean;
}

export class DuplicateScanService {
  private readonly scans = new Map<number, ScanOfPairs>();

  /**
   * `threadStore`: how a thread of its own reaches this store, for `scanOnOwnThread` (a server's scans);
   * without it those scans run here.
   */
  constructor(
    private readonly store: Store,
    private readonly threadStore: StoreOptions | null = null,
  ) {}

  /**
   * `scan` on a thread of its own with its own connection to the store, when this service knows how to
   * open one: a scan is tens of seconds of synchronous work at a million contacts, which on a server's
   * main thread would stall every request as long.
   */
  scanOnOwnThread(
    options: Omit<ScanOptions, 'stopRequested'> & {
      /** Aborted: the scan stops at its next stage, before it saves (ScanStoppedError). */
      signal?: AbortSignal;
    },
  ): Promise<ScanSummary> {
    const { signal } = options;
    if (!this.threadStore) return this.scan({ ...options, stopRequested: () => signal?.aborted ?? false });
    return scanOnThread(
      { store: this.threadStore, incremental: options.incremental ?? false, actor: options.actor },
      options.onStage,
      options.signal,
    );
  }

  /** Stored rows as pairs, their compact explanations decoded with their scans' models. */
  private async toPairs(rows: DuplicatePairsTable[]): Promise<DuplicatePair[]> {
    const missing = [...new Set(rows.map((r) => Number(r.scan)))].filter((seq) => !this.scans.has(seq));
    if (missing.length > 0) {
      if (this.scans.size + missing.length > MODEL_CACHE_LIMIT) this.scans.clear();
      const scans = await this.db
        .selectFrom('duplicate_scans')
        .select(['seq', 'id', 'finished_at', 'model'])
        .where('seq', 'in', missing)
        .execute();
      for (const scan of scans) {
        const model = JSON.parse(scan.model) as TrainedModel;
        this.scans.set(Number(scan.seq), {
          id: scan.id,
          finished_at: scan.finished_at,
          model,
          weights: levelWeights(model),
        });
      }
    }
    return rows.map((row) => toPair(row, this.scans.get(Number(row.scan)) ?? NO_SCAN));
  }

  private get db() {
    return this.store.db;
  }

  async lastScan(kind?: 'full') {
    let query = this.db.selectFrom('duplicate_scans').selectAll().orderBy('started_at', 'desc').limit(1);
    if (kind) query = query.where('kind', '=', kind);
    return query.executeTakeFirst();
  }

  /**
   * The model trained by the last full scan, when it was trained on these fields and levels: rules
   * edited since compare other fields, and an old model would weigh them wrongly.
   */
  async lastFullModel(fields: readonly FieldRule[]): Promise<TrainedModel | undefined> {
    const scan = await this.lastScan('full');
    if (!scan) return undefined;
    const model = JSON.parse(scan.model) as TrainedModel;
    // Same fields, compared the same way with the same levels (a newer Kith may grade a comparator
    // into other levels, and an old model has no weight for them).
    const sameFields =
      model.fields.length === fields.length &&
      model.fields.every(
        (f, k) =>
          f.field === fields[k]!.field &&
          f.comparator === fields[k]!.comparator &&
          f.levels.join() === COMPARATORS[f.comparator].levels.join(),
      );
    return sameFields ? model : undefined;
  }

  /** Recent scans, newest first (without their models). */
  async listScans(limit = 20) {
    const rows = await this.db
      .selectFrom('duplicate_scans')
      .select([
        'id',
        'kind',
        'started_at',
        'finished_at',
        'contacts',
        'compared',
        'pairs',
        'clusters',
        'created_by',
        'model',
      ])
      .orderBy('started_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(({ model, ...r }) => ({
      ...r,
      kind: r.kind as ScanSummary['kind'],
      contacts: Number(r.contacts),
      compared: Number(r.compared),
      pairs: Number(r.pairs),
      clusters: Number(r.clusters),
      // The thresholds its model derived (null when the rules set them, or EM did not run).
      thresholds: (JSON.parse(model) as TrainedModel).thresholds ?? null,
    }));
  }

  /** The review queue's size: pairs per status, and open pairs per band. */
  async counts(): Promise<{
    status: Record<DuplicatePair['status'], number>;
    open: Record<DuplicatePair['band'], number>;
  }> {
    const rows = await this.db
      .selectFrom('duplicate_pairs')
      .select(['status', 'band', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['status', 'band'])
      .execute();
    const status = { open: 0, not_duplicate: 0, skipped: 0, merged: 0 };
    const open = { match: 0, review: 0 };
    for (const row of rows) {
      const n = Number(row.n);
      status[statusOf(row.status)] += n;
      if (statusOf(row.status) === 'open') open[bandOf(row.band)] += n;
    }
    return { status, open };
  }

  /** A queued scan's job: queued, running or done, with its last error. */
  async scan(options: ScanOptions): Promise<ScanSummary> {
    const startedAt = nowIso();
    const stage = (next: ScanStage) => {
      if (options.stopRequested?.()) throw new ScanStoppedError();
      options.onStage?.(next);
    };
    const t0 = performance.now();
    const { rules } = await new DuplicateSettingsService(this.db).rules();
    const previous = options.incremental ? await this.lastScan() : undefined;
    const lastModel = options.incremental ? await this.lastFullModel(rules.fields) : undefined;
    // Without an earlier scan, or a model for these rules, there is nothing to be incremental against.
    const incremental = Boolean(options.incremental && previous && lastModel);
    stage('load');
    // Values are prepared as they are read: no raw column (hundreds of MB at a million contacts) is held;
    // the costliest fields on a second thread.
    const preparation = new FieldPreparation(rules.fields, { thread: true });
    const read = await readDedupeValues(this.db, rules.fields, this.store.rowReader, preparation.add, {
      updatedAt: incremental,
    }).catch(async (e: unknown) => {
      await preparation.dispose();
      throw e;
    });
    // `let`: released once the rows are built (hundreds of MB of prepared values at a million contacts).
    let records = new PreparedRecords(read.ids, rules.fields, await preparation.finish(read.ids.length));
    const { updatedAt } = read;
    const ids = new ContactIdList(read.ids);
    read.ids = [];
    const contactCount = records.size;
    let changed: Uint8Array | undefined;
    let changedCount = records.size;
    if (incremental) {
      changed = new Uint8Array(records.size);
      changedCount = 0;
      for (let i = 0; i < records.size; i++) {
        if (updatedAt[i]! >= previous!.started_at) {
          changed[i] = 1;
          changedCount++;
        }
      }
    }
    const result = await findDuplicates(records, rules, {
      thread: true,
      changed,
      model: incremental ? lastModel : undefined,
      onStage: (next) => {
        // What reading left, blocking's keys, then the candidate pairs and their
        // levels are garbage by these stages: on a large scan they are given back before the next stage
        // allocates (peak RSS, for about 0.3 s each at a million contacts).
        if (records.size >= COLLECT_GARBAGE_FROM && COLLECT_BEFORE.has(next)) collectGarbage();
        stage(next);
      },
    });

    stage('save');
    // Nothing is compared any more: a stored pair's explanation reads only the shares of common values.
    for (const field of records.fields) field.releaseValues();
    if (contactCount >= COLLECT_GARBAGE_FROM) collectGarbage();
    const scanId = newId('duplicateScan');
    const clusterOf = new Map<number, number>();
    for (const [k, cluster] of result.clusters.entries())
      for (const member of cluster.members) clusterOf.set(member, k);
    // Rows and their explanations are built before the write transaction, which holds SQLite's only
    // write lock: the transaction itself only deletes, filters, numbers and inserts. `cluster` holds
    // the cluster's index here and its number (its first pair's) once the rows are numbered.
    const weights = levelWeights(result.model);
    const found: DuplicatePairsTable[] = result.pairs.map((pair) => {
      const first = ids.at(pair.a);
      const second = ids.at(pair.b);
      const [x, y, contactA, contactB] =
        first < second ? [pair.a, pair.b, first, second] : [pair.b, pair.a, second, first];
      const clusterA = clusterOf.get(pair.a);
      return {
        id: 0,
        contact_a: contactA,
        contact_b: contactB,
        a_key: contactKey(contactA),
        b_key: contactKey(contactB),
        score: scoreToStored(pair.probability),
        band: bandCode(pair.band),
        explanation: encodeExplanation(result.model, weights, records, x, y, pair.levels),
        cluster: clusterA !== undefined && clusterA === clusterOf.get(pair.b) ? clusterA : null,
        status: OPEN,
        scan: 0,
        decided_at: null,
        decided_by: null,
      };
    });
    clusterOf.clear();
    records = undefined!;
    // In the order of the a_key index: it then grows at one end instead of taking a random page for
    // every row (the table itself grows at its end, by id).
    found.sort((x, y) => x.a_key - y.a_key);
    await this.db.transaction().execute(async (trx) => {
      // Open and skipped pairs are replaced by this scan's findings; decided pairs stay decided.
      const stale = trx.deleteFrom('duplicate_pairs').where('status', 'in', [OPEN, SKIPPED]);
      if (incremental) {
        const changedIds: string[] = [];
        for (let i = 0; i < ids.length; i++) if (changed![i] === 1) changedIds.push(ids.at(i));
        for (let k = 0; k < changedIds.length; k += INSERT_CHUNK) {
          const chunk = changedIds.slice(k, k + INSERT_CHUNK);
          await trx
            .deleteFrom('duplicate_pairs')
            .where(statusOnly, 'in', [OPEN, SKIPPED])
            .where((eb) => involving(eb, chunk))
            .execute();
        }
      } else {
        await stale.execute();
      }
      // Pairs still stored (decided, or untouched by an incremental scan) are not proposed again.
      const kept = new Set(
        (await trx.selectFrom('duplicate_pairs').select(['contact_a', 'contact_b']).execute()).map(
          (r) => `${r.contact_a} ${r.contact_b}`,
        ),
      );
      const last = await trx
        .selectFrom('duplicate_scans')
        .select((eb) => [eb.fn.max('seq').as('seq'), eb.fn.max('last_pair').as('last_pair')])
        .executeTakeFirst();
      const lastId = await trx
        .selectFrom('duplicate_pairs')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirst();
      const seq = Number(last?.seq ?? 0) + 1;
      // Pair numbers are never reused: past every stored pair and every number a scan gave out.
      let next = Math.max(Number(last?.last_pair ?? 0), Number(lastId?.id ?? 0)) + 1;
      const clusterNumbers = new Map<number, number>();
      // (No key strings for a quarter of a million rows when nothing decided is kept.)
      const rows =
        kept.size === 0 ? found : found.filter((row) => !kept.has(`${row.contact_a} ${row.contact_b}`));
      kept.clear();
      for (const row of rows) {
        row.id = next++;
        row.scan = seq;
        if (row.cluster !== null) {
          let number = clusterNumbers.get(row.cluster);
          if (number === undefined) clusterNumbers.set(row.cluster, (number = row.id));
          row.cluster = number;
        }
      }
      await this.store.rowWriter(trx).insert('duplicate_pairs', rows);
      await trx
        .insertInto('duplicate_scans')
        .values({
          id: scanId,
          seq,
          last_pair: next - 1,
          kind: incremental ? 'incremental' : 'full',
          started_at: startedAt,
          finished_at: nowIso(),
          contacts: contactCount,
          compared: result.compared,
          // Found by this scan, as in its summary (some may have been decided already and not stored again).
          pairs: result.pairs.length,
          clusters: result.clusters.length,
          blocking: JSON.stringify(result.blocking),
          model: JSON.stringify(result.model),
          created_by: options.actor.userId,
        })
        .execute();
    });
    const matchPairs = result.pairs.filter((p) => p.band === 'match').length;
    return {
      scan_id: scanId,
      kind: incremental ? 'incremental' : 'full',
      contacts: contactCount,
      changed: changedCount,
      compared: result.compared,
      pairs: result.pairs.length,
      match_pairs: matchPairs,
      review_pairs: result.pairs.length - matchPairs,
      clusters: result.clusters.length,
      clusters_all_match: result.clusters.filter(
        (c) => weightToProbability(c.weakest.weight) >= result.thresholds.match,
      ).length,
      seconds: Math.round((performance.now() - t0) / 10) / 100,
      blocking: result.blocking.map((b) => b.fields),
      thresholds: result.thresholds,
      model_check: incremental ? null : (result.model.check ?? null),
    };
  }

  /** The review queue: open pairs strongest first (or by status), with each field's contribution. */
  async list(query: DuplicatePairQuery = {}): Promise<DuplicatePair[]> {
    // A name no rule could compare would match nothing, silently: refused instead.
    if (query.field !== undefined && !isComparableField(query.field))
      throw new ValidationError('field', query.field, COMPARABLE_FIELD_REASON);
    // Keyset pages in (score desc, id) order: the queue can hold hundreds of thousands of pairs.
    let after: { score: number; id: number } | undefined;
    if (query.after) {
      const number = pairNumberOf(query.after);
      const row =
        number === undefined
          ? undefined
          : await this.db
              .selectFrom('duplicate_pairs')
              .select(['score', 'id'])
              .where('id', '=', number)
              .executeTakeFirst();
      if (!row) throw new ValidationError('after', query.after, 'is not a pair id of this queue');
      after = { score: Number(row.score), id: Number(row.id) };
    }
    const wanted = query.limit ?? Number.POSITIVE_INFINITY;
    const page = Math.min(Number.isFinite(wanted) ? wanted : 5_000, 5_000);
    const status = statusCode(query.status ?? 'open');
    // The queue index is (status, band, score desc, id): each band is read in order on its own, and
    // the two merged here when no band is asked for (one index serves both; see migration 0024).
    const streams = (query.band ? [bandCode(query.band)] : [0, 1]).map((band) => ({
      band,
      after,
      rows: [] as DuplicatePairsTable[],
      next: 0,
      done: false,
    }));
    const refill = async (stream: (typeof streams)[number]) => {
      let q = this.db
        .selectFrom('duplicate_pairs')
        .selectAll()
        .where('status', '=', status)
        .where('band', '=', stream.band)
        .orderBy('score', 'desc')
        .orderBy('id')
        .limit(page);
      if (query.min_score !== undefined) q = q.where('score', '>=', storedAtLeast(query.min_score));
      if (stream.after) {
        const { score, id } = stream.after;
        // `score <= s` first: the index seeks there instead of walking the queue from its start.
        q = q.where('score', '<=', score).where((eb) => eb.or([eb('score', '<', score), eb('id', '>', id)]));
      }
      stream.rows = await q.execute();
      stream.next = 0;
      stream.done = stream.rows.length < page;
      const last = stream.rows[stream.rows.length - 1];
      if (last) stream.after = { score: Number(last.score), id: Number(last.id) };
    };
    const precedes = (x: DuplicatePairsTable, y: DuplicatePairsTable) =>
      Number(x.score) > Number(y.score) ||
      (Number(x.score) === Number(y.score) && Number(x.id) < Number(y.id));
    const found: DuplicatePair[] = [];
    const weakestCache = {};
    while (found.length < wanted) {
      for (const stream of streams)
        if (stream.next === stream.rows.length && !stream.done) await refill(stream);
      const batch: DuplicatePairsTable[] = [];
      while (batch.length < page) {
        let best: (typeof streams)[number] | undefined;
        for (const stream of streams)
          if (
            stream.next < stream.rows.length &&
            (!best || precedes(stream.rows[stream.next]!, best.rows[best.next]!))
          )
            best = stream;
        if (!best) break;
        batch.push(best.rows[best.next++]!);
        // A band read to the end of its page is read further before the next comparison.
        if (best.next === best.rows.length && !best.done) break;
      }
      if (batch.length === 0) break;
      for (const pair of await this.withClusterWeakest(await this.toPairs(batch), weakestCache)) {
        // Agreeing means the field added evidence.
        if (query.field && !pair.explanation.some((c) => c.field === query.field && c.weight > 0)) continue;
        found.push(pair);
        if (found.length === wanted) break;
      }
    }
    return found;
  }

  /**
   * Fills each pair's `cluster_weakest` from the open pairs of the clusters on this page: a page of
   * few clusters asks for them by `cluster_id` (indexed), one of many reads every clustered pair once
   * per call to `list` (`cache`).
   */
  private async withClusterWeakest(
    pairs: DuplicatePair[],
    cache: { all?: Map<string, NonNullable<DuplicatePair['cluster_weakest']>> } = {},
  ): Promise<DuplicatePair[]> {
    const clusters = [
      ...new Set(pairs.map((p) => (p.cluster_id === null ? undefined : clusterNumberOf(p.cluster_id)))),
    ].filter((c) => c !== undefined);
    let weakest = new Map<string, NonNullable<DuplicatePair['cluster_weakest']>>();
    const keep = (r: { id: number; cluster: number | null; score: number; band: number }) => {
      const clusterId = clusterIdOf(r.cluster!);
      const score = storedToScore(r.score);
      const known = weakest.get(clusterId);
      if (!known || score < known.score)
        weakest.set(clusterId, { pair_id: pairIdOf(r.id), score, band: bandOf(r.band) });
    };
    const query = () =>
      this.db
        .selectFrom('duplicate_pairs')
        .select(['id', 'cluster', 'score', 'band'])
        .where(statusOnly, '=', OPEN)
        .where('cluster', 'is not', null);
    if (cache.all || clusters.length > INSERT_CHUNK) {
      if (!cache.all) {
        for (const r of await query().execute()) keep(r);
        cache.all = weakest;
      }
      weakest = cache.all;
    } else if (clusters.length > 0) {
      for (const r of await query().where('cluster', 'in', clusters).execute()) keep(r);
    }
    for (const pair of pairs)
      pair.cluster_weakest = pair.cluster_id ? (weakest.get(pair.cluster_id) ?? null) : null;
    return pairs;
  }

  /**
   * Clusters of the review queue: coherent groups of contacts joined along open `match` pairs, each
   * with its weakest internal pair (the scan scored every pair inside a cluster and kept the lowest).
   * A cluster may be merged automatically only when that pair, and so every pair, is in the match band
   * and no pair in it was marked `not_duplicate`; `held_back` says why not otherwise.
   */
  async clusters(): Promise<DuplicateCluster[]> {
    const rows = await this.db
      .selectFrom('duplicate_pairs')
      .select(['id', 'cluster', 'contact_a', 'contact_b', 'score', 'band', 'status'])
      .where('cluster', 'is not', null)
      .where('status', 'in', [OPEN, NOT_DUPLICATE])
      .execute();
    const byCluster = new Map<
      number,
      { ids: Set<string>; pairs: number; weakest?: (typeof rows)[number]; rejected: number }
    >();
    for (const r of rows) {
      const cluster = Number(r.cluster);
      const entry = byCluster.get(cluster) ?? { ids: new Set<string>(), pairs: 0, rejected: 0 };
      byCluster.set(cluster, entry);
      if (Number(r.status) === NOT_DUPLICATE) {
        entry.rejected++;
        continue;
      }
      entry.ids.add(r.contact_a).add(r.contact_b);
      entry.pairs++;
      if (!entry.weakest || Number(r.score) < Number(entry.weakest.score)) entry.weakest = r;
    }
    const clusters: DuplicateCluster[] = [];
    for (const [cluster, e] of byCluster) {
      if (!e.weakest) continue;
      const weakest = {
        pair_id: pairIdOf(e.weakest.id),
        contact_a: e.weakest.contact_a,
        contact_b: e.weakest.contact_b,
        score: storedToScore(e.weakest.score),
        band: bandOf(e.weakest.band),
      };
      const size = e.ids.size;
      const complete = (size * (size - 1)) / 2;
      const held_back: ClusterHoldBack | null =
        e.rejected > 0
          ? {
              reason: 'marked_not_duplicate',
              detail: `${e.rejected} pair(s) in this cluster were marked not_duplicate by a person`,
            }
          : e.pairs < complete
            ? {
                reason: 'pairs_missing',
                detail: `only ${e.pairs} of the ${complete} pairs among its ${size} contacts are open (skipped, or rescanned since)`,
              }
            : weakest.band !== 'match'
              ? {
                  reason: 'weakest_pair_below_match',
                  detail: `pair ${weakest.pair_id} (${weakest.contact_a} / ${weakest.contact_b}) scores ${weakest.score}, in the ${weakest.band} band, not match`,
                }
              : null;
      clusters.push({
        cluster_id: clusterIdOf(cluster),
        contact_ids: [...e.ids].sort(),
        pairs: e.pairs,
        min_score: weakest.score,
        weakest,
        mergeable: held_back === null,
        held_back,
      });
    }
    return clusters;
  }

  async get(pairId: string): Promise<DuplicatePair> {
    const number = pairNumberOf(pairId);
    const row =
      number === undefined
        ? undefined
        : await this.db.selectFrom('duplicate_pairs').selectAll().where('id', '=', number).executeTakeFirst();
    if (!row) throw new NotFoundError('duplicate pair', pairId);
    return (await this.withClusterWeakest(await this.toPairs([row])))[0]!;
  }

  /** Records a reviewer's decision. `not_duplicate` is remembered across scans; `skipped` lasts until the next scan. */
  async decide(
    pairId: string,
    decision: 'not_duplicate' | 'skipped' | 'open',
    actor: Actor,
  ): Promise<DuplicatePair> {
    if (!['not_duplicate', 'skipped', 'open'].includes(decision)) {
      throw new ValidationError('decision', decision, 'must be not_duplicate, skipped or open');
    }
    await this.get(pairId);
    await this.db
      .updateTable('duplicate_pairs')
      .set({ status: statusCode(decision), decided_at: nowIso(), decided_by: actor.userId })
      .where('id', '=', pairNumberOf(pairId)!)
      .execute();
    return this.get(pairId);
  }

  /**
   * The open pairs as CSV, one row each: `a_id,b_id,a_external_id,b_external_id,score,band` (UTF-8 with
   * BOM, CRLF, formula-safe cells), and how many pairs it holds.
   */
  async pairsCsv(query: DuplicatePairQuery = {}): Promise<{ csv: string; count: number }> {
    const pairs = await this.list(query);
    const ids = [...new Set(pairs.flatMap((p) => [p.contact_a, p.contact_b]))];
    const externalIds = new Map<string, string>();
    for (let k = 0; k < ids.length; k += INSERT_CHUNK) {
      const rows = await this.db
        .selectFrom('contact_identities')
        .select(['contact_id', 'value'])
        .where('type', '=', 'external_id')
        .where('contact_id', 'in', ids.slice(k, k + INSERT_CHUNK))
        .execute();
      for (const r of rows) externalIds.set(r.contact_id, r.value);
    }
    const records = [
      ['a_id', 'b_id', 'a_external_id', 'b_external_id', 'score', 'band'],
      ...pairs.map((p) => [
        p.contact_a,
        p.contact_b,
        externalIds.get(p.contact_a) ?? '',
        externalIds.get(p.contact_b) ?? '',
        String(p.score),
        p.band,
      ]),
    ];
    const csv = stringify(
      records.map((r) => r.map(protectCell)),
      { bom: true, record_delimiter: 'windows' },
    );
    return { csv, count: pairs.length };
  }
}
