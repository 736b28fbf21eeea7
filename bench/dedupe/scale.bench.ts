/**
 * Duplicate scan at scale: N synthetic customers with known duplicates (generate-duplicates.ts) are
 * bulk-inserted, then a full scan runs with the default matching rules. Reports the scan's seconds,
 * peak RSS of the process during the scan, candidate pairs compared, and pairwise P/R/F1 of the
 * `match` band against the generated truth.
 *
 * Usage: npm run bench:dedupe:scale [-- N]      (default 1,000,000; SQLite in a temporary folder)
 * (run with --expose-gc, as the npm script does, so the generator's garbage is gone before the scan)
 */
import { insertContactsBulk, type NewContact } from '../../src/contacts/contact-repository.js';
import { newId } from '../../src/domain/ids.js';
import { openBenchKith } from '../bench-kith.js';
import { generateDuplicates } from './generate-duplicates.js';

const N = Number(process.argv[2] ?? 1_000_000);
let peakRss = 0;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function main() {
  const { kith, dispose } = await openBenchKith();
  try {
    let t = performance.now();
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

    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    t = performance.now();
    const stages: Record<string, number> = {};
    let last = t;
    let lastStage = 'start';
    const scan = await kith.duplicateScans.scan({
      actor: { userId: null, channel: 'system' },
      onStage: (stage) => {
        const now = performance.now();
        stages[lastStage] = Math.round(now - last) / 1000;
        last = now;
        lastStage = stage;
      },
    });
    stages[lastStage] = Math.round(performance.now() - last) / 1000;
    const scanSeconds = (performance.now() - t) / 1000;
    clearInterval(sampler);

    const pairs = await kith.duplicateScans.list({ band: 'match' });
    const tp = pairs.filter((p) => entityOf.get(p.contact_a) === entityOf.get(p.contact_b)).length;
    const precision = pairs.length ? tp / pairs.length : 0;
    const recall = tp / data.truePairs;
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
          scan_seconds: Math.round(scanSeconds * 10) / 10,
          stage_seconds: stages,
          peak_rss_mb: mb(peakRss),
          rss_before_scan_mb: mb(rssBefore),
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
