/**
 * A stored pair's explanation, compactly: the queue can hold hundreds of thousands of pairs, and the
 * per-field JSON (field, comparator, level label, weight) cost about 600 of the 850 bytes a stored pair
 * took. Only what the scan's model cannot give back is stored: per field, in the model's field order,
 * the level index (empty when a value is missing), and `:weight` only where term frequency made the
 * weight differ from the model's weight for that level. `0:6.21,1,,5` is four fields. The field names,
 * comparators, level labels and plain weights come from the scan's model when the pair is read.
 */
import { type FieldContribution, fieldWeight, type TrainedModel } from './fellegi-sunter-model.js';
import type { PreparedRecords } from './prepared-records.js';

const round = (x: number) => Math.round(x * 100) / 100;

export function encodeExplanation(
  model: TrainedModel,
  weights: number[][],
  records: PreparedRecords,
  i: number,
  j: number,
  levels: ArrayLike<number>,
): string {
  const parts: string[] = [];
  for (let k = 0; k < model.fields.length; k++) {
    const level = levels[k]!;
    if (level < 0) {
      parts.push('');
      continue;
    }
    const weight = round(fieldWeight(model, weights, records, k, level, i, j));
    parts.push(weight === round(weights[k]![level]!) ? String(level) : `${level}:${weight}`);
  }
  return parts.join(',');
}

/**
 * The explanation as the queue shows it. Older rows hold the JSON list itself; a row whose model no
 * longer fits it (fewer fields) shows the fields it can name.
 */
export function decodeExplanation(
  stored: string,
  model: Pick<TrainedModel, 'fields'>,
  weights: number[][],
): FieldContribution[] {
  if (stored.startsWith('[')) return JSON.parse(stored) as FieldContribution[];
  const parts = stored.split(',');
  const contributions: FieldContribution[] = [];
  for (let k = 0; k < parts.length && k < model.fields.length; k++) {
    const f = model.fields[k]!;
    const part = parts[k]!;
    if (part === '') {
      contributions.push({ field: f.field, comparator: f.comparator, level: 'missing', weight: 0 });
      continue;
    }
    const [level, weight] = part.split(':');
    const l = Number(level);
    contributions.push({
      field: f.field,
      comparator: f.comparator,
      level: f.levels[l] ?? `level ${l}`,
      weight: weight === undefined ? round(weights[k]?.[l] ?? 0) : Number(weight),
    });
  }
  return contributions;
}
