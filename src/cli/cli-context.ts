import { readFile } from 'node:fs/promises';
import { loadConfig } from '../config.js';
import type { Actor } from '../domain/actor.js';
import { KithError } from '../domain/errors.js';
import { type KithServices, openKith } from '../services.js';

export const CLI_ACTOR: Actor = { userId: null, channel: 'cli' };

/** Opens Kith for one command and always closes it, so the process can exit. */
export async function withKith<T>(work: (kith: KithServices) => Promise<T>): Promise<T> {
  const kith = await openKith(loadConfig());
  try {
    return await work(kith);
  } finally {
    await kith.close();
  }
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
