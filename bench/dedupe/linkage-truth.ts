/**
 * Truth files of ../shared/data/linkage (`id_l,id_r` per true pair, header first), read as a set of
 * pair keys, shared by the quality benchmark and the detection test.
 */
import { readFileSync } from 'node:fs';

/** One key per unordered pair of record ids. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

export function readTruePairs(file: string): Set<string> {
  return new Set(
    readFileSync(file, 'utf8')
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((line) => {
        const [left = '', right = ''] = line.split(',').map((s) => s.trim());
        return pairKey(left, right);
      }),
  );
}
