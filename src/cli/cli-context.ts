import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { KithConfig } from '../config.js';
import type { Actor } from '../domain/actor.js';
import { KithError, shownValue } from '../domain/errors.js';
import type { KithServices } from '../services.js';
import { networkErrorReason, systemErrorText } from './cli-errors.js';

export const CLI_ACTOR: Actor = { userId: null, channel: 'cli' };

/** Opens Kith for one command and always closes it, so the process can exit. */
export async function withKith<T>(work: (kith: KithServices) => Promise<T>): Promise<T> {
  const { loadConfig } = await import('../config.js');
  // One command reads on one SQLite read thread: each thread starts its own SQLite (`contacts list`
  // took about 0.1 s less CPU with one than with three), and the lanes of three keep a server's pages
  // apart from its searches, which one command never has at once.
  const kith = await openKithForCli({ ...loadConfig(), readThreads: 1 });
  try {
    return await work(kith);
  } finally {
    await kith.close();
  }
}

/** Where the configured database is, as an error may name it (no password). */
function databaseName(config: KithConfig): string {
  if (!config.databaseUrl) return `the SQLite database in KITH_DATA_DIR ${config.dataDir}`;
  try {
    const url = new URL(config.databaseUrl);
    return `the PostgreSQL database at ${url.hostname}:${url.port || 5432}${url.pathname} (DATABASE_URL)`;
  } catch {
    return 'the PostgreSQL database of DATABASE_URL';
  }
}

/**
 * The database that cannot be opened, said as such: which one (DATABASE_URL's host and port, or
 * KITH_DATA_DIR) and why — not a driver's stack.
 */
export function databaseError(config: KithConfig, e: unknown): unknown {
  if (e instanceof KithError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const network = networkErrorReason(e);
  if (network)
    return new KithError('database_unavailable', `cannot reach ${databaseName(config)}: ${network}`, 503);
  const system = systemErrorText(e);
  if (system)
    return new KithError('database_unavailable', `cannot open ${databaseName(config)}: ${system}`, 503);
  // PostgreSQL's own refusals (a wrong password, a database that does not exist) and SQLite's (a file
  // that is not a database) name the reason in their message.
  if (typeof code === 'string' && (/^[0-9A-Z]{5}$/.test(code) || code.startsWith('SQLITE_')))
    return new KithError(
      'database_unavailable',
      `cannot use ${databaseName(config)}: ${(e as Error).message}`,
      503,
    );
  return e;
}

/**
 * openKith for a command: a database that cannot be reached or opened is one clear error. Kith's
 * services (nearly all of its code) are loaded here, by the command that uses them, not at start-up:
 * `kith --help`, a usage error and the commands that need no store would pay for them all.
 */
export async function openKithForCli(config: KithConfig): Promise<KithServices> {
  const { openKith } = await import('../services.js');
  try {
    return await openKith(config);
  } catch (e) {
    throw databaseError(config, e);
  }
}

/** How long a command stopped at once may take to say so in the store (a job's mark) before it exits. */
const LAST_WORDS_MS = 1000;

/**
 * Runs `handler` when the user stops the command (Ctrl-C, SIGINT) or it is asked to stop (SIGTERM),
 * then exits 130 or 143 as a shell expects; returns the function that takes the handler away again.
 * With `first`, a command that can stop cleanly: the first signal only runs `first` (which asks the
 * work to stop at its next safe point), and a second runs `handler` and exits at once — after the
 * promise `handler` returns, if any, or LAST_WORDS_MS, whichever comes first.
 */
export function onInterrupt(
  handler: (signal: NodeJS.Signals) => void | Promise<unknown>,
  first?: (signal: NodeJS.Signals) => void,
): () => void {
  let asked = first === undefined;
  const listener = (signal: NodeJS.Signals) => {
    if (!asked) {
      asked = true;
      first!(signal);
      return;
    }
    const exit = () => process.exit(signal === 'SIGINT' ? 130 : 143);
    let said: unknown;
    try {
      said = handler(signal);
    } catch {
      exit();
    }
    if (!(said instanceof Promise)) return exit();
    const timer = setTimeout(exit, LAST_WORDS_MS);
    void said
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        exit();
      });
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
}

/**
 * A validation error of a service speaks of its fields (`conflict_policy`); the user typed options
 * (`--conflicts`): the same error, naming the options. `options` maps a field to its option.
 */
export function asOptionError(error: unknown, options: Record<string, string>): unknown {
  if (!(error instanceof KithError) || error.code !== 'validation_failed' || !error.details) return error;
  const list = (Array.isArray(error.details) ? error.details : [error.details]) as Array<
    Record<string, unknown>
  >;
  if (!list.every((d) => typeof d.field === 'string' && typeof d.reason === 'string')) return error;
  const renamed: Array<Record<string, unknown>> = list.map((d) => ({
    ...d,
    option: options[d.field as string] ?? d.field,
  }));
  return new KithError(
    error.code,
    renamed
      .map((d) => `${d.option as string}: ${d.reason as string} (got ${shownValue(d.value)})`)
      .join('; '),
    error.status,
    Array.isArray(error.details) ? renamed : renamed[0],
  );
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** One `key: value` line per field, for people; nested values as JSON. */
export function printFields(record: object): void {
  for (const [key, value] of Object.entries(record)) {
    const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value ?? '');
    process.stdout.write(`${key}: ${text}\n`);
  }
}

/** Collects a repeatable option into a list. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Splits `KEY=VALUE` options; the value may itself contain `=`. */
export function parsePairs(option: string, pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new KithError('usage', `--${option} ${JSON.stringify(pair)}: expected KEY=VALUE`, 2);
    out[pair.slice(0, at).trim()] = pair.slice(at + 1);
  }
  return out;
}

/** Reads a JSON file given on the command line; a usage error (exit 2) names the file when it cannot. */
export async function readJsonFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new KithError('usage', `${file}: not a readable JSON file (${(e as Error).message})`, 2);
  }
}

interface NumberRule {
  /** Smallest value allowed. */
  min: number;
  /** Largest value allowed (none when left out). */
  max?: number;
  /** A whole number (the default), or any decimal number. */
  integer?: boolean;
  /** The word that stands for no number, as the error names it (`none for no limit`). */
  none?: string;
}

/**
 * A number given as an option (`--limit 50`), checked where it is read: anything else is a usage error
 * naming the option, the value and the range. `option` is the option as typed (`--limit`).
 */
export function parseNumber(option: string, raw: string, rule: NumberRule): number {
  const integer = rule.integer ?? true;
  const text = raw.trim();
  const value = text === '' ? Number.NaN : Number(text);
  const range = rule.max === undefined ? `of ${rule.min} or more` : `from ${rule.min} to ${rule.max}`;
  if (
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < rule.min ||
    (rule.max !== undefined && value > rule.max)
  )
    throw new KithError(
      'usage',
      `${option} ${JSON.stringify(raw)}: must be ${integer ? 'a whole number' : 'a number'} ${range}${rule.none ? `, or ${rule.none}` : ''}`,
      2,
      { option, value: raw, min: rule.min, max: rule.max ?? null },
    );
  return value;
}

/** A commander option parser for `parseNumber`: `.option('--limit <n>', '…', numberOption('--limit', …))`. */
export function numberOption(option: string, rule: NumberRule): (raw: string) => number {
  return (raw) => parseNumber(option, raw, rule);
}

/** One of a fixed set of values, or a usage error naming the option, the value and the set. */
export function parseChoice<T extends string>(option: string, raw: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(raw))
    throw new KithError(
      'usage',
      `${option} ${JSON.stringify(raw)}: must be one of ${choices.join(', ')}`,
      2,
      { option, value: raw, allowed: choices },
    );
  return raw as T;
}

/**
 * A file to read (`what`: the argument or option naming it): it must exist and be a file, or a usage
 * error says which and why, with the path.
 */
export function checkInputFile(what: string, file: string): void {
  const named = what ? `${what} ${file}` : file;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    throw new KithError('usage', `${named}: ${reasonOf(e)}`, 2);
  }
  if (stat.isDirectory()) throw new KithError('usage', `${named}: is a folder, not a file`, 2);
  if (!stat.isFile()) throw new KithError('usage', `${named}: not a regular file`, 2);
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch {
    throw new KithError('usage', `${named}: permission denied (cannot read it)`, 2);
  }
}

/**
 * A file to write (`what`: the option naming it, `--out`): its folder must exist and be a folder, and
 * it must not be a folder itself; else a usage error naming the option, the path and why.
 */
export function checkOutputFile(what: string, file: string): string {
  const out = path.resolve(file);
  const folder = path.dirname(out);
  let folderStat: fs.Stats | null = null;
  try {
    folderStat = fs.statSync(folder);
  } catch {
    folderStat = null;
  }
  if (!folderStat) throw new KithError('usage', `${what} ${file}: the folder ${folder} does not exist`, 2);
  if (!folderStat.isDirectory())
    throw new KithError('usage', `${what} ${file}: ${folder} is a file, not a folder`, 2);
  let stat: fs.Stats | null = null;
  try {
    stat = fs.statSync(out);
  } catch {
    stat = null;
  }
  if (stat?.isDirectory())
    throw new KithError('usage', `${what} ${file}: is a folder; name the file to write in it`, 2);
  try {
    fs.accessSync(stat ? out : folder, fs.constants.W_OK);
  } catch {
    throw new KithError(
      'usage',
      `${what} ${file}: permission denied (cannot write ${stat ? 'the file' : `in ${folder}`})`,
      2,
    );
  }
  return out;
}

/** A file system error's reason without its path (the caller names the path). */
function reasonOf(e: unknown): string {
  const text = systemErrorText(e) ?? (e as Error).message;
  const p = (e as { path?: string }).path;
  return p && text.startsWith(`${p}: `) ? text.slice(p.length + 2) : text;
}
