/**
 * Duplicate scan at scale: N synthetic customers with known duplicates (generate-duplicates.ts) are
 * bulk-inserted, then a full scan with the default matching rules runs in a process of its own
 * (scan-stored.mjs, as `kith duplicates scan` would; the built code of dist/ with KITH_BENCH_BUILT=1,
 * after `npm run build`, as users run it). Reports the scan's seconds per stage, its peak RSS,
 * candidate pairs compared, the thresholds it derived, and pairwise P/R/F1 of the `match` band against
 * the generated truth.
 *
 * Usage: npm run bench:dedupe:scale [-- N]      (default 1,000,000; SQLite in a temporary folder)
 *        KITH_BENCH_KEEP_STORE=DIR npm run bench:dedupe:scale [-- N]
 *            also keeps a copy of the SQLite store as it was before the scan, in DIR/kith.sqlite, with the
 *            truth in DIR/truth.json, for scanning it again with
 *            `KITH_DATA_DIR=DIR KITH_BENCH_BUILT=1 node bench/dedupe/scan-stored.mjs`
 *            (or `node --import tsx bench/dedupe/scan-stored.mjs` for the sources)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { insertContactsBulk, type NewContact } from '../../src/contacts/contact-repository.js';
import type { ScanSummary } from '../../src/dedupe/scan/scan-summary.js';
import { newId } from '../../src/domain/ids.js';
import { openBenchKith } from '../bench-kith.js';
import { generateDuplicates } from './generate-duplicates.js';

const N = Number(process.argv[2] ?? 1_000_000);
const KEEP_STORE = process.env.KITH_BENCH_KEEP_STORE;

interface StoredScan {
  scan: ScanSummary;
  seconds: number;
  stages: Record<string, number>;
  stagePeakRss: Record<string, number>;
  peakRssMb: number;
  stageCpu: Record<string, number>;
  cpuSeconds: number;
  loadAverage: number[];
}

async function main() {
  const { kith, env, dispose } = await openBenchKith();
  try {
    const t = performance.now();
    const data = generateDuplicates(N);
    const ids = data.records.map(() => newId('contact'));
    for (let k = 0; k < N; k += 2000) {
      const batch: NewContact[] = [];
      for (let i = k; i < Math.min(N, k + 2000); i++) batch.push({ id: ids[i]!, state: data.records[i]! });
      await kith.store.db
        .transaction()
        .execute((trx) => insertContactsBulk(trx, batch, { at: new Date().toISOString(), by: null }));
    }
    const loadSeconds = (performance.now() - t) / 1000;
    console.error(
      `generated and stored ${N} contacts (${data.truePairs} true pairs) in ${loadSeconds.toFixed(1)} s`,
    );
    const entityOf = new Map(ids.map((id, i) => [id, data.entity[i]!]));
    data.records.length = 0;
    if (KEEP_STORE && kith.store.dialect === 'sqlite') {
      fs.mkdirSync(KEEP_STORE, { recursive: true });
      fs.rmSync(path.join(KEEP_STORE, 'kith.sqlite'), { force: true });
      await sql`vacuum into ${path.join(KEEP_STORE, 'kith.sqlite')}`.execute(kith.store.db);
      fs.writeFileSync(
        path.join(KEEP_STORE, 'truth.json'),
        JSON.stringify({ ids, entity: data.entity, truePairs: data.truePairs }),
      );
      console.error(`kept the store before the scan in ${KEEP_STORE}`);
    }

    const built = process.env.KITH_BENCH_BUILT === '1';
    const scanArgs = [...(built ? [] : ['--import', 'tsx']), 'bench/dedupe/scan-stored.mjs'];
    const output = execFileSync(process.execPath, scanArgs, {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 * 1024 * 1024,
    });
    const { scan, seconds, stages, stagePeakRss, peakRssMb, stageCpu, cpuSeconds, loadAverage } = JSON.parse(
      output.trim(),
    ) as StoredScan;
    // The scan's own figures first: reading the queue back below may fail on its own.
    console.error(output.trim());

    const pairs = await kith.duplicateScans.list({ band: 'match' });
    const tp = pairs.filter((p) => entityOf.get(p.contact_a) === entityOf.get(p.contact_b)).length;
    const precision = pairs.length ? tp / pairs.length : 0;
    const recall = tp / data.truePairs;
    // Pairs inside clusters: what merging every cluster would join.
    let clusterPairs = 0;
    let clusterTrue = 0;
    for (const cluster of await kith.duplicateScans.clusters()) {
      const members = cluster.contact_ids;
      for (let i = 0; i < members.length; i++)
        for (let j = i + 1; j < members.length; j++) {
          clusterPairs++;
          if (entityOf.get(members[i]!) === entityOf.get(members[j]!)) clusterTrue++;
        }
    }
    const clusterPrecision = clusterPairs ? clusterTrue / clusterPairs : 0;
    const clusterRecall = clusterTrue / data.truePairs;
    const round = (x: number) => Math.round(x * 10_000) / 10_000;
    console.log(
      JSON.stringify(
        {
          database: kith.store.dialect,
          contacts: N,
          true_pairs: data.truePairs,
          compared: scan.compared,
          match_pairs: scan.match_pairs,
          review_pairs: scan.review_pairs,
          clusters: scan.clusters,
          precision: round(precision),
          recall: round(recall),
          f1: round((2 * precision * recall) / (precision + recall)),
          cluster_precision: round(clusterPrecision),
          cluster_recall: round(clusterRecall),
          cluster_f1: round((2 * clusterPrecision * clusterRecall) / (clusterPrecision + clusterRecall)),
          scan_seconds: Math.round(seconds * 10) / 10,
          stage_seconds: stages,
          scan_cpu_seconds: cpuSeconds,
          stage_cpu_seconds: stageCpu,
          load_average_at_end: loadAverage,
          scan_peak_rss_mb: peakRssMb,
          stage_peak_rss_mb: stagePeakRss,
          blocking: scan.blocking.map((b) => b.join('+')),
          thresholds: scan.thresholds,
        },
        null,
        2,
      ),
    );
  } finally {
    await dispose();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
