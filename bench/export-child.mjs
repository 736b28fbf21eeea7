/**
 * One export of every contact to a file, in a process of its own (bench/export.bench.ts runs it), so
 * that its peak RSS is the export's; prints rows, seconds, CPU seconds and peak RSS as JSON. Plain
 * JavaScript that loads only Kith itself: from dist/ (KITH_BENCH_BUILT=1, run by plain node, so that
 * neither the process nor its threads carry tsx) or from src/ (run with tsx).
 *
 * Usage: node bench/export-child.mjs CASE OUT   (the store from KITH_DATA_DIR / DATABASE_URL)
 * CASE is FORMAT[:NAMES[:ZONE]]: `csv`, or an export for people such as `xlsx:zh:Asia/Shanghai`
 * (column_names zh, moments in that zone's local time; `csv:zh` alone writes them in UTC).
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

const [exportCase, out] = process.argv.slice(2);
const [format, columnNames, timeZone] = exportCase.split(':');
const root = process.env.KITH_BENCH_BUILT === '1' ? '../dist' : '../src';
const { openKith } = await import(`${root}/services.js`);
const { loadConfig } = await import(`${root}/config.js`);
const kith = await openKith(loadConfig(process.env));
try {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const prepared = await kith.exports.prepare({
    format,
    query: {},
    column_names: columnNames ?? 'keys',
    time_zone: timeZone ?? null,
  });
  const rows = await prepared.writeTo(fs.createWriteStream(out));
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  process.stdout.write(
    `${JSON.stringify({
      format: exportCase,
      rows,
      seconds,
      // Every thread of the process: on a shared machine the figure that code changes move.
      cpu_seconds: (used.user + used.system) / 1e6,
      bytes: fs.statSync(out).size,
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    })}\n`,
  );
} finally {
  await kith.close();
  fs.rmSync(out, { force: true });
}
