/**
 * Vitest global setup: the tests that run `kith` as a process run the built CLI (dist/cli/main.js),
 * as users do; it is rebuilt here when a source is newer than the build. Running it from source through
 * tsx instead cost about a second of loading per process, and the suite starts a few hundred of them.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function buildKith(): void {
  const root = path.resolve(import.meta.dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build-if-changed.mjs'), '--server'], {
    cwd: root,
    stdio: 'inherit',
  });
}
