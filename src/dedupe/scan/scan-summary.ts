/**
 * What a duplicate scan reports, wherever it runs (here or on a thread of its own): its stages as they
 * start, its summary at the end, or that it was stopped before it saved.
 */
import type { DetectionStage } from '../find-duplicates.js';
import type { ModelCheck } from '../model/model-check.js';

export type ScanStage = 'load' | DetectionStage | 'save';

export interface ScanSummary {
  scan_id: string;
  kind: 'full' | 'incremental';
  contacts: number;
  /** Contacts compared against everyone (all of them in a full scan). */
  changed: number;
  compared: number;
  pairs: number;
  match_pairs: number;
  review_pairs: number;
  clusters: number;
  /** Clusters whose every pair is in the match band (what `merge --auto` would merge as of this scan). */
  clusters_all_match: number;
  seconds: number;
  blocking: string[][];
  /** The bands' probability thresholds this scan used: set in the rules or derived by its model. */
  thresholds: { match: number; review: number };
  /**
   * The guard's verdict on the model this scan trained (null when it reused one or EM did not run):
   * problems found, and `fallback: "generic_m"` when they were bad enough to replace what EM learnt.
   */
  model_check: ModelCheck | null;
}

export class ScanStoppedError extends Error {
  constructor() {
    super('the duplicate scan was stopped before it saved its pairs');
  }
}
