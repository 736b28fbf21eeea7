import type { Comparator } from './comparator.js';

/** Numbers (age, amounts): equal, within 1 %, within 10 %. */
export const numberComparator: Comparator<number> = {
  kind: 'number',
  levels: ['exact', 'within_1_percent', 'within_10_percent', 'else'],
  termFrequency: false,
  prepare(raw) {
    const n = Number(raw.replace(/[\s,]/g, ''));
    return raw.trim() === '' || !Number.isFinite(n) ? null : n;
  },
  key: (v) => String(v),
  blockingKey: (v) => String(v),
  compare(a, b) {
    if (a === b) return 0;
    const relative = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    if (relative <= 0.01) return 1;
    if (relative <= 0.1) return 2;
    return 3;
  },
};
