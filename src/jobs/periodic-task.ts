/**
 * Housekeeping that every process running background work (`kith serve`, `kith worker`) does on a
 * timer: now, then every `everyMs`, never keeping the process alive. A failing run is reported and the
 * next one tries again. Returns the function that stops it.
 */
export function startPeriodicTask(
  task: () => Promise<void>,
  everyMs: number,
  onError: (error: unknown) => void,
): () => void {
  const tick = () => {
    task().catch(onError);
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
