/**
 * One full duplicate scan of an existing Kith store, alone in its process, as `kith duplicates scan`
 * runs it: the scale benchmark starts this so that the peak RSS it reports is the scan's own, not
 * the generator's. Opened from the environment (KITH_DATA_DIR, DATABASE_URL); prints one JSON line.
 * Plain JavaScript that loads only Kith itself: from dist/ (KITH_BENCH_BUILT=1, run by plain node, as
 * users run `kith`: neither the process nor its compare thread carries tsx) or from src/ (with tsx).
 *
 * Usage: KITH_DATA_DIR=DIR [KITH_BENCH_BUILT=1] node [--import tsx] bench/dedupe/scan-stored.mjs
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { Worker } from 'node:worker_threads';

const root = process.env.KITH_BENCH_BUILT === '1' ? '../../dist' : '../../src';
const { loadConfig } = await import(`${root}/config.js`);
const { tuneHeapForLongJobs } = await import(`${root}/cli/tune-heap.js`);
const { openKith } = await import(`${root}/services.js`);

async function main() {
  tuneHeapForLongJobs(); // as the `kith` command does
  const kith = await openKith(loadConfig(process.env));
  try {
    const t = performance.now();
    const stages = {};
    // CPU seconds per stage (this process's threads together): the machine is shared, wall time is not enough.
    const stageCpu = {};
    let lastCpu = process.cpuUsage();
    const cpuSince = () => {
      const used = process.cpuUsage(lastCpu);
      lastCpu = process.cpuUsage();
      return Math.round((used.user + used.system) / 1e4) / 100;
    };
    // Highest RSS during each stage: sampled on a thread of its own, as the scan keeps this one busy.
    const stagePeakRss = {};
    const highest = new Float64Array(new SharedArrayBuffer(8));
    const sampler = new Worker(
      `const a = new Float64Array(require('node:worker_threads').workerData);
       setInterval(() => { const r = process.memoryUsage.rss(); if (r > a[0]) a[0] = r; }, 10);`,
      { eval: true, workerData: highest.buffer },
    );
    const stagePeak = () => {
      const mb = Math.round(Math.max(highest[0], process.memoryUsage.rss()) / 1024 / 1024);
      highest[0] = 0;
      return mb;
    };
    let last = t;
    let lastStage = 'start';
    const scan = await kith.duplicateScans.scan({
      actor: { userId: null, channel: 'system' },
      onStage: (stage) => {
        const now = performance.now();
        stages[lastStage] = Math.round(now - last) / 1000;
        stagePeakRss[lastStage] = stagePeak();
        stageCpu[lastStage] = cpuSince();
        last = now;
        lastStage = stage;
      },
    });
    stages[lastStage] = Math.round(performance.now() - last) / 1000;
    stagePeakRss[lastStage] = stagePeak();
    stageCpu[lastStage] = cpuSince();
    await sampler.terminate();
    delete stages.start;
    delete stagePeakRss.start;
    delete stageCpu.start;
    const seconds = (performance.now() - t) / 1000;
    // resourceUsage().maxRSS is in kilobytes: the process's peak, whatever the sampling would miss.
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const cpuSeconds = Math.round(Object.values(stageCpu).reduce((x, y) => x + y, 0) * 100) / 100;
    const loadAverage = (await import('node:os')).loadavg().map((x) => Math.round(x * 100) / 100);
    process.stdout.write(
      `${JSON.stringify({ scan, seconds, stages, stageCpu, cpuSeconds, stagePeakRss, peakRssMb, loadAverage })}\n`,
    );
    // A store kept by `KITH_BENCH_KEEP_STORE` carries its truth: the scan's quality, measured after it.
    const truthFile = path.join(process.env.KITH_DATA_DIR ?? '', 'truth.json');
    if (process.env.KITH_DATA_DIR && fs.existsSync(truthFile)) {
      const truth = JSON.parse(fs.readFileSync(truthFile, 'utf8'));
      const entityOf = new Map(truth.ids.map((id, i) => [id, truth.entity[i]]));
      const f1 = (tp, found) => {
        const precision = found ? tp / found : 0;
        const recall = tp / truth.truePairs;
        const round = (x) => Math.round(x * 10_000) / 10_000;
        return {
          precision: round(precision),
          recall: round(recall),
          f1: round((2 * precision * recall) / (precision + recall)),
        };
      };
      const pairs = await kith.duplicateScans.list({ band: 'match' });
      const matchTrue = pairs.filter((p) => entityOf.get(p.contact_a) === entityOf.get(p.contact_b)).length;
      let clusterPairs = 0;
      let clusterTrue = 0;
      for (const { contact_ids: members } of await kith.duplicateScans.clusters()) {
        for (let i = 0; i < members.length; i++)
          for (let j = i + 1; j < members.length; j++) {
            clusterPairs++;
            if (entityOf.get(members[i]) === entityOf.get(members[j])) clusterTrue++;
          }
      }
      process.stderr.write(
        `${JSON.stringify({ match: f1(matchTrue, pairs.length), clusters: f1(clusterTrue, clusterPairs) })}\n`,
      );
    }
  } finally {
    await kith.close();
  }
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
