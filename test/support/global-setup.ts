/**
 * Vitest global setup.
 * - The tests that run `kith` as a process run the built CLI (dist/cli/main.js), as users do; it is
 *   rebuilt here when a source is newer than the build. Running it from source through tsx cost about a
 *   second of loading per process, and the suite starts a few hundred of them.
 * - Every temporary file of the run — the tests', the servers' and the `kith` processes' they start —
 *   goes under one directory (TMPDIR, which os.tmpdir() reads), removed when the run ends: files of
 *   customers must not pile up in /tmp, whatever a test forgot or a failure skipped.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = path.resolve(import.meta.dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build-if-changed.mjs'), '--server'], {
    cwd: root,
    stdio: 'inherit',
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-tests-'));
  process.env.TMPDIR = tmp;
  return () => fs.rmSync(tmp, { recursive: true, force: true });
}
