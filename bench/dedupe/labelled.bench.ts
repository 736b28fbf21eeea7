/**
 * Duplicate detection quality on public labelled data (../shared/data/linkage, see its README).
 * Each data set goes through the real import pipeline with the mapping kept beside this file, the
 * matching rules kept beside this file are set, a full scan runs, and the stored pairs are measured
 * against ALL true pairs (pairs lost by blocking count as misses): pairwise precision, recall and F1
 * of the `match` band, of the pairs implied by match clusters, and of `match` + `review`.
 * One fixed configuration per data set; the bands' thresholds are derived by each scan from its own
 * model's probabilities (see src/dedupe/model/derive-thresholds.ts), never chosen by looking at labels.
 *
 * Usage: npm run bench:dedupe [-- NAME…]      (default: all data sets; SQLite in a temporary folder)
 *        KITH_BENCH_DATABASE_URL=postgres://… npm run bench:dedupe
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Actor } from '../../src/domain/actor.js';
import { inspectSource } from '../../src/imports/read/source-reader.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { openBenchKith } from '../bench-kith.js';
import { pairKey, readTruePairs } from './linkage-truth.js';

const LINKAGE = path.resolve('../shared/data/linkage');
const HERE = path.resolve('bench/dedupe');
const actor: Actor = { userId: null, channel: 'system' };

interface DataSet {
  name: string;
  file: string;
  truth: string;
  config: string;
  goal: number;
}

const DATA_SETS: DataSet[] = [
  { name: 'febrl1', file: 'febrl1.csv', truth: 'febrl1_true_pairs.csv', config: 'febrl', goal: 0.99 },
  { name: 'febrl2', file: 'febrl2.csv', truth: 'febrl2_true_pairs.csv', config: 'febrl', goal: 0.99 },
  { name: 'febrl3', file: 'febrl3.csv', truth: 'febrl3_true_pairs.csv', config: 'febrl', goal: 0.99 },
  ...[1000, 2500, 5000].map((n) => ({
    name: `febrl_dsgen_A_${n}`,
    file: `febrl_dsgen_A_${n}.csv`,
    truth: `febrl_dsgen_A_${n}_true_pairs.csv`,
    config: 'febrl_dsgen',
    goal: 0.99,
  })),
  {
    name: 'fake_1000',
    file: 'fake_1000.csv',
    truth: 'splink_fake_1000_true_pairs.csv',
    config: 'fake_1000',
    goal: 0.87,
  },
  {
    name: 'csv_example',
    file: 'csv_example.csv',
    truth: 'dedupe_csv_example_true_pairs.csv',
    config: 'csv_example',
    goal: 0.9,
  },
];

function prf(found: string[], truth: Set<string>) {
  const tp = found.filter((f) => truth.has(f)).length;
  const precision = found.length === 0 ? 0 : tp / found.length;
  const recall = tp / truth.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  return { precision: round(precision), recall: round(recall), f1: round(f1), pairs: found.length };
}

async function measure(set: DataSet) {
  const { kith, dispose } = await openBenchKith();
  try {
    await kith.duplicateSettings.setRules(
      JSON.parse(fs.readFileSync(path.join(HERE, `${set.config}.rules.json`), 'utf8')),
    );
    const listed = JSON.parse(
      fs.readFileSync(path.join(HERE, `${set.config}.mapping.json`), 'utf8'),
    ) as Record<string, string>;
    // Columns the mapping file does not name are ignored, not left to header suggestions.
    const { header } = await inspectSource(path.join(LINKAGE, set.file));
    const mapping = Object.fromEntries(header.map((h) => [h, listed[h.trim()] ?? 'ignore']));
    let t = performance.now();
    const started = await kith.imports.start(
      { filePath: path.join(LINKAGE, set.file), fileName: set.file, mapping, createAttributes: true },
      actor,
    );
    await new JobRunner(kith.store, kith.jobHandlers).runOnce({ subjectId: started.id });
    const imported = await kith.imports.get(started.id);
    const importSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const scan = await kith.duplicateScans.scan({ actor });
    const scanSeconds = (performance.now() - t) / 1000;

    const external = new Map(
      (
        await kith.store.db
          .selectFrom('contact_identities')
          .select(['contact_id', 'value'])
          .where('type', '=', 'external_id')
          .execute()
      ).map((r) => [r.contact_id, r.value]),
    );
    const key = (a: string, b: string) => pairKey(external.get(a) ?? a, external.get(b) ?? b);
    const pairs = await kith.duplicateScans.list({});
    const truth = readTruePairs(path.join(LINKAGE, 'truth', set.truth));
    const clustered: string[] = [];
    for (const cluster of await kith.duplicateScans.clusters()) {
      const ids = cluster.contact_ids;
      for (let i = 0; i < ids.length; i++)
        for (let j = i + 1; j < ids.length; j++) clustered.push(key(ids[i]!, ids[j]!));
    }
    const match = prf(
      pairs.filter((p) => p.band === 'match').map((p) => key(p.contact_a, p.contact_b)),
      truth,
    );
    return {
      data_set: set.name,
      database: kith.store.dialect,
      rows: imported.total_rows,
      imported: imported.created,
      import_failed: imported.failed,
      true_pairs: truth.size,
      compared: scan.compared,
      match,
      match_clusters: prf(clustered, truth),
      match_and_review: prf(
        pairs.map((p) => key(p.contact_a, p.contact_b)),
        truth,
      ),
      goal_f1: set.goal,
      goal_met: match.f1 >= set.goal,
      blocking: scan.blocking.map((b) => b.join('+')),
      thresholds: scan.thresholds,
      import_seconds: Math.round(importSeconds * 10) / 10,
      scan_seconds: Math.round(scanSeconds * 100) / 100,
    };
  } finally {
    await dispose();
  }
}

async function main() {
  const wanted = process.argv.slice(2);
  const sets = wanted.length > 0 ? DATA_SETS.filter((s) => wanted.includes(s.name)) : DATA_SETS;
  if (!fs.existsSync(LINKAGE))
    throw new Error(`${LINKAGE} not found: run from the project root, beside ../shared`);
  const results = [];
  for (const set of sets) {
    const r = await measure(set);
    results.push(r);
    console.error(
      `${r.data_set.padEnd(20)} match F1 ${r.match.f1.toFixed(4)} (P ${r.match.precision.toFixed(4)} R ${r.match.recall.toFixed(4)})` +
        ` | clusters F1 ${r.match_clusters.f1.toFixed(4)} | match+review F1 ${r.match_and_review.f1.toFixed(4)}` +
        ` | goal ${r.goal_f1} ${r.goal_met ? 'met' : 'NOT met'} | ${r.compared} compared | scan ${r.scan_seconds}s` +
        ` | match ≥ ${r.thresholds.match}, review ≥ ${r.thresholds.review}`,
    );
  }
  console.log(JSON.stringify(results, null, 2));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
