/**
 * Mappings saved under a name for the next file from the same tool. The server has no setting for them,
 * so they live in this browser (localStorage), per user.
 */
import type { Mapping } from './mapping-targets';

const KEY = 'kith.import.mappings';

export interface SavedMapping {
  name: string;
  mapping: Mapping;
  saved_at: string;
}

function storageKey(userId: string): string {
  return `${KEY}.${userId}`;
}

export function loadSavedMappings(userId: string): SavedMapping[] {
  try {
    const raw = localStorage.getItem(storageKey(userId));
    const parsed = raw ? (JSON.parse(raw) as unknown) : [];
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (m): m is SavedMapping =>
        typeof m === 'object' && m !== null && typeof m.name === 'string' && typeof m.mapping === 'object',
    );
  } catch {
    return [];
  }
}

export function saveMapping(userId: string, name: string, mapping: Mapping): SavedMapping[] {
  const others = loadSavedMappings(userId).filter((m) => m.name !== name);
  const next = [{ name, mapping, saved_at: new Date().toISOString() }, ...others];
  localStorage.setItem(storageKey(userId), JSON.stringify(next));
  return next;
}

export function deleteSavedMapping(userId: string, name: string): SavedMapping[] {
  const next = loadSavedMappings(userId).filter((m) => m.name !== name);
  localStorage.setItem(storageKey(userId), JSON.stringify(next));
  return next;
}

/** A saved mapping applied to this file: the columns it names take its targets, the others stay. */
export function applySavedMapping(columns: string[], current: Mapping, saved: Mapping): Mapping {
  const next = { ...current };
  for (const column of columns) if (saved[column] !== undefined) next[column] = saved[column];
  return next;
}

/** How many of this file's columns a saved mapping names. */
export function coverage(columns: string[], saved: Mapping): number {
  return columns.filter((c) => saved[c] !== undefined).length;
}
