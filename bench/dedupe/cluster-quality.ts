/**
 * Quick look at pair and cluster quality without the store: a labelled set (mapping and rules beside
 * this file) or the register profile is prepared straight into columns and run through
 * `findDuplicates`. For working on the model and the clustering; `npm run bench:dedupe` (through the
 * import and the store) is the benchmark of record.
 *
 * Usage: npx tsx bench/dedupe/cluster-quality.ts NAME…   (febrl3, fake_1000, csv_example, register:N, …)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { findDuplicates } from '../../src/dedupe/find-duplicates.js';
import { matchingRulesSchema } from '../../src/dedupe/model/matching-rules.js';
import { PreparedRecords } from '../../src/dedupe/model/prepared-records.js';
import { generateRegister, REGISTER_COLUMNS } from './generate-duplicates.js';
import { pairKey, readTruePairs } from './linkage-truth.js';

const LINKAGE = path.resolve('../shared/data/linkage');
const SETS: Record<string, [file: string, truth: string, config: string]> = {
  febrl1: ['febrl1.csv', 'febrl1_true_pairs.csv', 'febrl'],
  febrl2: ['febrl2.csv', 'febrl2_true_pairs.csv', 'febrl'],
  febrl3: ['febrl3.csv', 'febrl3_true_pairs.csv', 'febrl'],
  febrl_dsgen_A_5000: ['febrl_dsgen_A_5000.csv', 'febrl_dsgen_A_5000_true_pairs.csv', 'febrl_dsgen'],
  fake_1000: ['fake_1000.csv', 'splink_fake_1000_true_pairs.csv', 'fake_1000'],
  csv_example: ['csv_example.csv', 'dedupe_csv_example_true_pairs.csv', 'csv_example'],
};

function load(name: string) {
  let rows: Record<string, string>[];
  let truth: Set<string>;
  let config: string;
  if (name.startsWith('register')) {
    const data = generateRegister(Number(name.split(':')[1] ?? 50_000));
    rows = data.rows.map((r) => Object.fromEntries(REGISTER_COLUMNS.map((c, k) => [c, r[k]!])));
    const byPerson = new Map<number, string[]>();
    rows.forEach((r, i) => byPerson.set(data.entity[i]!, [...(byPerson.get(data.entity[i]!) ?? []), r.id!]));
    truth = new Set();
    for (const ids of byPerson.values())
      for (let i = 0; i < ids.length; i++)
        for (let j = i + 1; j < ids.length; j++) truth.add(pairKey(ids[i]!, ids[j]!));
    config = 'register';
  } else {
    const [file, truthFile, c] = SETS[name]!;
    rows = parse(readFileSync(path.join(LINKAGE, file)), {
      columns: (h: string[]) => h.map((x) => x.trim()),
      trim: true,
    }) as Record<string, string>[];
    truth = readTruePairs(path.join(LINKAGE, 'truth', truthFile));
    config = c;
  }
  const rules = matchingRulesSchema.parse(
    JSON.parse(readFileSync(`bench/dedupe/${config}.rules.json`, 'utf8')),
  );
  const mapping = JSON.parse(readFileSync(`bench/dedupe/${config}.mapping.json`, 'utf8')) as Record<
    string,
    string
  >;
  const columns = new Map<string, string[]>();
  let idColumn = '';
  for (const [column, target] of Object.entries(mapping)) {
    if (target === 'identity.external_id') idColumn = column;
    else if (target !== 'ignore')
      columns.set(
        target,
        rows.map((r) => r[column] ?? ''),
      );
  }
  if (!columns.has('name') && columns.has('first_name'))
    columns.set(
      'name',
      rows.map((_, i) => `${columns.get('first_name')![i]} ${columns.get('last_name')?.[i] ?? ''}`.trim()),
    );
  const ids = rows.map((r) => r[idColumn]!);
  return { ids, rules, columns, truth };
}

function prf(found: readonly string[], truth: Set<string>) {
  const tp = found.filter((f) => truth.has(f)).length;
  const p = found.length ? tp / found.length : 0;
  const r = tp / truth.size;
  const f = p + r ? (2 * p * r) / (p + r) : 0;
  return `P ${p.toFixed(4)} R ${r.toFixed(4)} F1 ${f.toFixed(4)}`;
}

for (const name of process.argv.slice(2)) {
  const { ids, rules, columns, truth } = load(name);
  const t = performance.now();
  const result = await findDuplicates(new PreparedRecords(ids, rules.fields, columns), rules);
  const seconds = (performance.now() - t) / 1000;
  const key = (a: number, b: number) => pairKey(ids[a]!, ids[b]!);
  const match = result.pairs.filter((p) => p.band === 'match').map((p) => key(p.a, p.b));
  const clustered: string[] = [];
  for (const { members: c } of result.clusters)
    for (let i = 0; i < c.length; i++)
      for (let j = i + 1; j < c.length; j++) clustered.push(key(c[i]!, c[j]!));
  const largest = Math.max(0, ...result.clusters.map((c) => c.members.length));
  console.log(
    `${name.padEnd(20)} pairs ${prf(match, truth)} | clusters ${prf(clustered, truth)} (${result.clusters.length}, largest ${largest}) | ` +
      `match ≥ ${result.thresholds.match} review ≥ ${result.thresholds.review} | ${result.compared} compared | ${seconds.toFixed(1)} s`,
  );
  // For analysis only (labels used): what a stricter match cut would give, the issue's "precision ≥
  // 0.95 wherever that costs less than 0.05 of recall".
  const scored = result.pairs
    .map((p) => ({ p: p.probability, t: truth.has(key(p.a, p.b)) }))
    .sort((x, y) => y.p - x.p);
  let tp = 0;
  let best: string | null = null;
  scored.forEach((s, k) => {
    if (s.t) tp++;
    if (tp / (k + 1) >= 0.95 && (scored[k + 1]?.p ?? -1) < s.p)
      best = `P 0.95 reached down to ${s.p.toFixed(4)}: R ${(tp / truth.size).toFixed(4)}`;
  });
  console.log(`  stricter match cut: ${best ?? 'P 0.95 never reached'}`);
  const check = result.model.check;
  if (check?.fallback) console.log(`  model check: fallback ${check.fallback}: ${check.problems.join('; ')}`);
}
