/**
 * Automatic merge of the `match` band, on request only (never the default): every open cluster of
 * match pairs is merged into its default survivor. Pairs in the review band are left for a person.
 */
import type { Actor } from '../domain/actor.js';
import type { ContactMergeService, MergeResult } from './contact-merge-service.js';
import type { DuplicateScanService } from './duplicate-scan-service.js';

export interface MergeMatchesResult {
  clusters: number;
  merged_contacts: number;
  merges: Pick<MergeResult, 'merge_id' | 'survivor_id' | 'merged_ids'>[];
  failed: { contact_ids: string[]; error: string }[];
  dry_run: boolean;
}

export async function mergeMatches(
  scans: DuplicateScanService,
  merges: ContactMergeService,
  actor: Actor,
  options: { dryRun?: boolean } = {},
): Promise<MergeMatchesResult> {
  const clusters = await scans.clusters();
  const result: MergeMatchesResult = {
    clusters: clusters.length,
    merged_contacts: 0,
    merges: [],
    failed: [],
    dry_run: Boolean(options.dryRun),
  };
  for (const cluster of clusters) {
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
      result.failed.push({
        contact_ids: cluster.contact_ids,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }
  return result;
}
