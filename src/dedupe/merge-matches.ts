/**
 * Automatic merge of the `match` band, on request only (never the default). Only clusters that are
 * certain are merged, each into its default survivor: every pair inside is open and in the match band
 * (the scan scores every pair inside a cluster, so this is checked pair by pair, not through a chain).
 * The others are held back for a person, and the result says how many and why.
 */
import type { Actor } from '../domain/actor.js';
import { KithError } from '../domain/errors.js';
import type { ContactMergeService, MergeResult } from './contact-merge-service.js';
import type { ClusterHoldBack, DuplicateScanService } from './duplicate-scan-service.js';

export interface MergeMatchesResult {
  /** Clusters in the queue. */
  clusters: number;
  merged_contacts: number;
  merges: Pick<MergeResult, 'merge_id' | 'survivor_id' | 'merged_ids'>[];
  /**
   * Clusters that could not merge: the refusal's code, words and details (a value another customer
   * owns …); anything unexpected only as `internal_error`, its text kept out of the answer.
   */
  failed: { contact_ids: string[]; code: string; error: string; details?: unknown }[];
  /**
   * Clusters found merged already when their turn came: by another run at the same time (the same
   * request sent twice, a job beside a request) or by a person. Neither merged by this run nor failed.
   */
  already_merged: number;
  /** Clusters not merged because not every pair inside is certain, by reason. */
  held_back: Record<ClusterHoldBack['reason'], number>;
  /** Each held-back cluster with its reason and weakest pair, for a person to review. */
  held_back_clusters: { cluster_id: string; contact_ids: string[]; reason: string; detail: string }[];
  dry_run: boolean;
}

export async function mergeMatches(
  scans: DuplicateScanService,
  merges: ContactMergeService,
  actor: Actor,
  options: {
    dryRun?: boolean;
    /** After each cluster: how many of the queue's clusters were looked at, and the result so far. */
    onCluster?: (done: number, total: number, sofar: MergeMatchesResult) => Promise<void>;
  } = {},
): Promise<MergeMatchesResult> {
  const clusters = await scans.clusters();
  const result: MergeMatchesResult = {
    clusters: clusters.length,
    merged_contacts: 0,
    merges: [],
    failed: [],
    already_merged: 0,
    held_back: { weakest_pair_below_match: 0, marked_not_duplicate: 0, pairs_missing: 0 },
    held_back_clusters: [],
    dry_run: Boolean(options.dryRun),
  };
  let done = 0;
  for (const cluster of clusters) {
    done++;
    // Merges one after the other do not wait on I/O on SQLite: let the server's requests and timers in.
    await new Promise((resolve) => setImmediate(resolve));
    if (cluster.held_back) {
      result.held_back[cluster.held_back.reason]++;
      result.held_back_clusters.push({
        cluster_id: cluster.cluster_id,
        contact_ids: cluster.contact_ids,
        ...cluster.held_back,
      });
    } else {
      try {
        // Each cluster is its own transaction: one that cannot merge (a contact changed since the scan)
        // is reported and the others still merge.
        const merged = await merges.merge({ contactIds: cluster.contact_ids, dryRun: options.dryRun }, actor);
        result.merges.push({
          merge_id: merged.merge_id,
          survivor_id: merged.survivor_id,
          merged_ids: merged.merged_ids,
        });
        result.merged_contacts += merged.merged_ids.length;
      } catch (e) {
        // Its contacts are one already (merged since the queue was read): nothing failed.
        const mergedMeanwhile =
          e instanceof KithError &&
          e.code === 'already_merged' &&
          (await merges.survivorOf(cluster.contact_ids)) !== null;
        if (mergedMeanwhile) result.already_merged++;
        else {
          // The unexpected goes to the operator's log, not into the answer people read.
          if (!(e instanceof KithError))
            process.stderr.write(
              `kith: merging ${cluster.contact_ids.join(', ')} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
            );
          result.failed.push(
            e instanceof KithError
              ? {
                  contact_ids: cluster.contact_ids,
                  code: e.code,
                  error: e.message,
                  ...(e.details !== undefined ? { details: e.details } : {}),
                }
              : {
                  contact_ids: cluster.contact_ids,
                  code: 'internal_error',
                  error: 'an unexpected error stopped this merge',
                },
          );
        }
      }
    }
    await options.onCluster?.(done, clusters.length, result);
  }
  return result;
}
