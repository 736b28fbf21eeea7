import type { Comparator } from './comparator.js';

/** Values that either agree or do not (gender, state, a code list): trimmed, case-insensitive. */
export const exactComparator: Comparator<string> = {
  kind: 'exact',
  levels: ['exact', 'else'],
  termFrequency: true,
  prepare: (raw) => raw.trim().toLowerCase() || null,
  key: (v) => v,
  blockingKey: (v) => v,
  compare: (a, b) => (a === b ? 0 : 1),
};
