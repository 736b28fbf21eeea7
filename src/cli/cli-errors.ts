/**
 * How `kith` reports an error: one line on stderr saying what went wrong, with what and why; with
 * `--json` also `{"error": {"code", "message", "details"}}` on stdout; exit 1 for a refusal or a
 * failure, 2 for wrong usage. A stack trace is for a bug report only: KITH_DEBUG=1 shows it.
 */
import { CommanderError } from 'commander';
import { KithError, SYSTEM_ERROR_WORDS } from '../domain/errors.js';

export interface CliErrorReport {
  code: string;
  message: string;
  details?: unknown;
  exitCode: number;
}

/** Network errors: what connecting to a server (the database) ran into. */
const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (is the server running, on that host and port?)',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved (no DNS answer)',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ECONNRESET: 'the connection was reset',
};

interface SystemError extends Error {
  code?: string;
  path?: string;
  dest?: string;
  syscall?: string;
  address?: string;
  port?: number;
}

/** An operating system error named in words with its path: `/tmp/x.csv: is a folder, not a file`. */
export function systemErrorText(error: unknown): string | null {
  const e = error as SystemError | null;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (!code) return null;
  if (code === 'EEXIST' && e!.syscall === 'mkdir' && e!.path) return `${e!.path}: is a file, not a folder`;
  if (SYSTEM_ERROR_WORDS[code])
    return e!.path ? `${e!.path}: ${SYSTEM_ERROR_WORDS[code]}` : SYSTEM_ERROR_WORDS[code];
  return null;
}

/** A network error's reason in words, or null when it is not one. */
export function networkErrorReason(error: unknown): string | null {
  const code = (error as SystemError | null)?.code;
  return typeof code === 'string' ? (NETWORK_ERRORS[code] ?? null) : null;
}

/** The report of any error a command ended with. */
export function describeError(error: unknown): CliErrorReport {
  if (error instanceof CommanderError)
    return {
      code: 'usage',
      message: error.message.replace(/^error:\s*/, ''),
      details: { reason: error.code.replace(/^commander\./, '') },
      exitCode: error.exitCode === 0 ? 0 : 2,
    };
  if (error instanceof KithError)
    return {
      code: error.code,
      message: error.message,
      details: error.details,
      exitCode: error.code === 'usage' ? 2 : 1,
    };
  const system = systemErrorText(error);
  if (system) {
    const e = error as SystemError;
    return { code: 'file_error', message: system, details: { errno: e.code, path: e.path }, exitCode: 1 };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'internal_error',
    message: `an unexpected error stopped the command (${message}); run again with KITH_DEBUG=1 for the details of a bug report`,
    exitCode: 1,
  };
}

/**
 * Prints the error as `kith` promises: stderr always, stdout too with --json. Commander prints its own
 * usage errors (and the help after them) on stderr already.
 */
export async function reportError(error: unknown, json: boolean): Promise<number> {
  const report = describeError(error);
  if (report.exitCode === 0) return 0;
  if (!(error instanceof CommanderError)) process.stderr.write(`error: ${report.message}\n`);
  // Loaded only here: src/config.ts brings the phone metadata, and `kith --help` needs none of it.
  const { debugEnabled } = await import('../config.js');
  if (debugEnabled() && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  if (json)
    process.stdout.write(
      `${JSON.stringify({ error: { code: report.code, message: report.message, details: report.details } })}\n`,
    );
  return report.exitCode;
}
