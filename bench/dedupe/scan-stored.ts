/**
 * One full duplicate scan of an existing Kith store, alone in its process, as `kith duplicates scan`
 * runs it: the scale benchmark starts this so that the peak RSS it reports is the scan's own, not
 * the generator's. Opened from the environment (KITH_DATA_DIR, DATABASE_URL); prints one JSON line.
 */
import { loadConfig } from '../../src/config.js';
import { openKith } from '../../src/services.js';

async function main() {
  const kith = await openKith(loadConfig(process.env));
  try {
    const t = performance.now();
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
    delete stages.start;
    const seconds = (performance.now() - t) / 1000;
    // resourceUsage().maxRSS is in kilobytes: the process's peak, whatever the sampling would miss.
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    process.stdout.write(`${JSON.stringify({ scan, seconds, stages, peakRssMb })}\n`);
  } finally {
    await kith.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
