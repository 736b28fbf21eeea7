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
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import type { Actor } from '../../src/domain/actor.js';
import { inspectSource } from '../../src/imports/read/source-reader.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { openBenchKith } from '../bench-kith.js';
import { generateRegister, REGISTER_COLUMNS } from './generate-duplicates.js';
import { pairKey, readTruePairs } from './linkage-truth.js';

const LINKAGE = path.resolve('../shared/data/linkage');
const HERE = path.resolve('bench/dedupe');
const actor: Actor = { userId: null, channel: 'system' };

interface DataSet {
  name: string;
  /** In ../shared/data/linkage, or an absolute path (a generated set). */
  file: string;
  /** In ../shared/data/linkage/truth, or an absolute path. */
  truth: string;
  config: string;
  /** Match F1 goal. */
  goal: number;
  /** Cluster F1 goal, besides clusters F1 ≥ match F1 − 0.01 on every set (issue 19). */
  clusterGoal?: number;
}

/**
 * The synthetic "register" profile (generate-duplicates.ts) of n records, written to a temporary CSV
 * with its truth file so that it goes through the same import and scan as the public sets.
 */
function registerSet(n: number): DataSet {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-register-'));
  const { rows, entity } = generateRegister(n);
  const file = path.join(dir, `register_${n}.csv`);
  fs.writeFileSync(file, stringify([[...REGISTER_COLUMNS], ...rows]));
  const byPerson = new Map<number, string[]>();
  rows.forEach((row, r) => {
    const list = byPerson.get(entity[r]!) ?? [];
    list.push(row[0]!);
    byPerson.set(entity[r]!, list);
  });
  const lines = ['id_l,id_r'];
  for (const ids of byPerson.values())
    for (let i = 0; i < ids.length; i++)
      for (let j = i + 1; j < ids.length; j++) lines.push(`${ids[i]},${ids[j]}`);
  const truth = path.join(dir, `register_${n}_true_pairs.csv`);
  fs.writeFileSync(truth, lines.join('\n'));
  return { name: `register_${n}`, file, truth, config: 'register', goal: 0, clusterGoal: 0.85 };
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
    const { header } = await inspectSource(path.resolve(LINKAGE, set.file));
    const mapping = Object.fromEntries(header.map((h) => [h, listed[h.trim()] ?? 'ignore']));
    let t = performance.now();
    const started = await kith.imports.start(
      {
        filePath: path.resolve(LINKAGE, set.file),
        fileName: path.basename(set.file),
        mapping,
        createAttributes: true,
      },
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
    const truth = readTruePairs(path.resolve(LINKAGE, 'truth', set.truth));
    const clustered: string[] = [];
    for (const cluster of await kith.duplicateScans.clusters()) {
      const ids = cluster.contact_ids;
      for (let i = 0; i < ids.length; i++)
        for (let j = i + 1; j < ids.length; j++) clustered.push(key(ids[i]!, ids[j]!));
    }
    const clusters = prf(clustered, truth);
    // Storage of the queue: the table with its indexes, per stored pair.
    const stored = Number(
      (
        await kith.store.db
          .selectFrom('duplicate_pairs')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const bytes =
      kith.store.dialect === 'sqlite'
        ? await sql<{
            bytes: number;
          }>`select sum(pgsize) as bytes from dbstat where name = 'duplicate_pairs' or name in (select name from sqlite_master where tbl_name = 'duplicate_pairs' and type = 'index')`.execute(
            kith.store.db,
          )
        : await sql<{ bytes: number }>`select pg_total_relation_size('duplicate_pairs') as bytes`.execute(
            kith.store.db,
          );
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
      match_clusters: clusters,
      match_and_review: prf(
        pairs.map((p) => key(p.contact_a, p.contact_b)),
        truth,
      ),
      goal_f1: set.goal,
      goal_cluster_f1: set.clusterGoal ?? null,
      goal_met:
        match.f1 >= set.goal && clusters.f1 >= match.f1 - 0.01 && clusters.f1 >= (set.clusterGoal ?? 0),
      blocking: scan.blocking.map((b) => b.join('+')),
      thresholds: scan.thresholds,
      stored_pairs: stored,
      bytes_per_stored_pair: stored > 0 ? Math.round(Number(bytes.rows[0]!.bytes) / stored) : null,
      model_check: scan.model_check,
      import_seconds: Math.round(importSeconds * 10) / 10,
      scan_seconds: Math.round(scanSeconds * 100) / 100,
    };
  } finally {
    await dispose();
  }
}

async function main() {
  // `register` or `register:N` adds the generated register profile (50,000 records by default).
  const wanted = process.argv.slice(2);
  const registers = wanted
    .filter((w) => /^register(:\d+)?$/.test(w))
    .map((w) => registerSet(Number(w.split(':')[1] ?? 50_000)));
  const sets =
    wanted.length > 0
      ? [...DATA_SETS.filter((s) => wanted.includes(s.name)), ...registers]
      : [...DATA_SETS, registerSet(50_000)];
  if (!fs.existsSync(LINKAGE))
    throw new Error(`${LINKAGE} not found: run from the project root, beside ../shared`);
  const results = [];
  for (const set of sets) {
    const r = await measure(set);
    results.push(r);
    console.error(
      `${r.data_set.padEnd(20)} match F1 ${r.match.f1.toFixed(4)} (P ${r.match.precision.toFixed(4)} R ${r.match.recall.toFixed(4)})` +
        ` | clusters F1 ${r.match_clusters.f1.toFixed(4)} (P ${r.match_clusters.precision.toFixed(4)} R ${r.match_clusters.recall.toFixed(4)}) | match+review F1 ${r.match_and_review.f1.toFixed(4)}` +
        ` | goals ${r.goal_met ? 'met' : 'NOT met'} | ${r.compared} compared | scan ${r.scan_seconds}s` +
        ` | match ≥ ${r.thresholds.match}, review ≥ ${r.thresholds.review} | ${r.bytes_per_stored_pair} B/pair` +
        (r.model_check?.fallback ? ` | model fallback: ${r.model_check.problems.join('; ')}` : ''),
    );
  }
  console.log(JSON.stringify(results, null, 2));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
