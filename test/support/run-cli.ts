import { execFile } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The built `kith` (test/support/global-setup.ts keeps it current with the sources). */
export const KITH_BIN = path.join(ROOT, 'dist/cli/main.js');

/** Arguments for `process.execPath` that run `kith` with these arguments. */
export function kithArgs(args: string[]): string[] {
  return [KITH_BIN, ...args];
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `kith` command in a child process; one still running after `timeoutMs` is killed (and
 * answers code 1).
 */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      kithArgs(args),
      { cwd: ROOT, env: { ...process.env, KITH_DEFAULT_REGION: 'CN', ...env }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
