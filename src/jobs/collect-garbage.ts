import v8 from 'node:v8';
import vm from 'node:vm';

let collector: (() => void) | null | undefined;

/**
 * A full garbage collection now, where V8 would wait for its heap to grow: a long job that has just let
 * go of hundreds of MB (a duplicate scan's candidate pairs, its prepared values) gives them back before
 * its next stage allocates, so that the process's peak is its live data rather than live data plus
 * what awaits collection. It pauses the thread for a few hundred milliseconds at a million contacts.
 * V8 offers its collector behind a flag, which reaches contexts created after it is set. False when
 * the collector cannot be reached.
 */
export function collectGarbage(): boolean {
  if (collector === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    try {
      if (!exposed) v8.setFlagsFromString('--expose-gc');
      collector = exposed ?? (vm.runInNewContext('gc') as () => void);
    } catch {
      collector = null;
    }
  }
  collector?.();
  return collector !== null;
}
