import v8 from 'node:v8';

/**
 * Between full collections V8 lets a heap grow to up to four times what is live. Kith's long jobs
 * (imports, duplicate scans) churn through short-lived batches, so the heap swings far above its live
 * data: with growth capped at twice the live data, a 1M-row import's peak RSS is about 60–100 MB
 * lower for a little more collection work (docs/BENCHMARKS.md). Process-wide, worker threads included.
 */
export function tuneHeapForLongJobs(): void {
  v8.setFlagsFromString('--heap-growing-percent=100');
}
