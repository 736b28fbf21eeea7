/**
 * One import of a file into an existing Kith store, alone in its process, as `kith import contacts`
 * runs it: the import benchmark starts this so that the peak RSS it reports is the import's own, not
 * the generator's or the pre-loading's. Opened from the environment (KITH_DATA_DIR, DATABASE_URL);
 * the file is the first argument; prints one JSON line.
 */
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { JobRunner } from '../src/jobs/job-runner.js';
import { openKith } from '../src/services.js';

async function main() {
  const file = process.argv[2];
  if (!file) throw new Error('usage: import-stored.ts FILE');
  const kith = await openKith(loadConfig(process.env));
  try {
    const t = performance.now();
    const actor = { userId: null, channel: 'system' } as const;
    const started = await kith.imports.start({ filePath: file, fileName: path.basename(file) }, actor);
    await new JobRunner(kith.store, kith.jobHandlers).runOnce({ subjectId: started.id });
    const seconds = (performance.now() - t) / 1000;
    const result = await kith.imports.get(started.id);
    const usage = process.resourceUsage();
    process.stdout.write(
      `${JSON.stringify({
        result,
        seconds,
        // Both threads' CPU: steadier than wall time on a shared machine.
        cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
        // maxRSS is in kilobytes: the process's peak, whatever a sampler would miss.
        peakRssMb: Math.round(usage.maxRSS / 1024),
      })}\n`,
    );
  } finally {
    await kith.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
