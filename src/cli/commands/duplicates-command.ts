import { writeFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { KithError } from '../../domain/errors.js';
import type { DuplicatePair } from '../../dedupe/duplicate-scan-service.js';
import type { ScanStage } from '../../dedupe/scan/scan-summary.js';
import { mergeMatches } from '../../dedupe/merge-matches.js';
import {
  checkOutputFile,
  CLI_ACTOR,
  collect,
  numberOption,
  parseChoice,
  parsePairs,
  printJson,
  readJsonFile,
  withKith,
} from '../cli-context.js';

const PAIR_STATUSES: readonly DuplicatePair['status'][] = ['open', 'not_duplicate', 'skipped', 'merged'];

const STAGES: ScanStage[] = ['load', 'block', 'compare', 'train', 'score', 'cluster', 'save'];

function stageBar(enabled: boolean) {
  if (!enabled) return { onStage: undefined, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: 'scanning [{bar}] {stage}', stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(STAGES.length, 0, { stage: 'load' });
  return {
    onStage: (stage: ScanStage) => bar.update(STAGES.indexOf(stage), { stage }),
    stop: () => {
      bar.update(STAGES.length, { stage: 'done' });
      bar.stop();
    },
  };
}

function pairLine(p: DuplicatePair): string {
  const agreeing = p.explanation
    .filter((c) => c.weight > 0)
    .map((c) => `${c.field}:${c.level}`)
    .join(' ');
  // Last, so that the earlier columns stay where scripts expect them: the cluster's weakest link.
  const weakest = p.cluster_weakest;
  const cluster = !weakest
    ? ''
    : weakest.pair_id === p.id
      ? `${p.cluster_id} weakest pair`
      : `${p.cluster_id} weakest ${weakest.pair_id} ${weakest.score.toFixed(4)} ${weakest.band}`;
  return [p.id, p.contact_a, p.contact_b, p.score.toFixed(4), p.band, agreeing, cluster].join('\t');
}

function parseBand(band: string | undefined): 'match' | 'review' | undefined {
  if (band === undefined) return undefined;
  if (band !== 'match' && band !== 'review') {
    throw new KithError('usage', `--band ${JSON.stringify(band)}: expected match or review`, 2);
  }
  return band;
}

export function registerDuplicatesCommands(program: Command): void {
  const duplicates = program.command('duplicates').description('find, review and merge duplicate contacts');

  const rules = duplicates.command('rules').description('the matching rules (JSON)');
  rules
    .command('get')
    .description('print the matching rules in force as JSON')
    .action(async () => printJson(await withKith((k) => k.duplicateSettings.rules())));
  rules
    .command('set')
    .description('replace the matching rules with a JSON file')
    .argument('<file>', 'rules file: {"fields": [{"field": "name", "comparator": "name"}, …]}')
    .action(async (file: string) => {
      const input = await readJsonFile(file);
      printJson(await withKith((k) => k.duplicateSettings.setRules(input)));
    });
  rules
    .command('reset')
    .description('go back to the default rules')
    .action(async () => {
      await withKith((k) => k.duplicateSettings.resetRules());
      process.stderr.write('matching rules reset to the defaults\n');
    });

  duplicates
    .command('policy')
    .description('show or change what creating a likely duplicate does and the scan schedule')
    .option('--on-create <warn|block>', 'creating a contact that is a match: warn (default) or block')
    .option('--schedule-minutes <n|off>', 'run an incremental scan in the worker every n minutes, or off')
    .action(async (o: { onCreate?: string; scheduleMinutes?: string }) => {
      const change: Record<string, unknown> = {};
      if (o.onCreate !== undefined) change.on_create = o.onCreate;
      if (o.scheduleMinutes !== undefined) {
        change.incremental_scan_minutes = o.scheduleMinutes === 'off' ? null : Number(o.scheduleMinutes);
      }
      printJson(
        await withKith((k) =>
          Object.keys(change).length > 0
            ? k.duplicateSettings.setPolicy(change)
            : k.duplicateSettings.policy(),
        ),
      );
    });

  duplicates
    .command('scan')
    .description('find duplicates: a full scan, or only contacts changed since the last scan')
    .option('--incremental', 'compare only contacts created or changed since the last scan against everyone')
    .option('--json', 'print {"pairs", "clusters", "compared", "seconds", …} as JSON')
    .action(async (o: { incremental?: boolean; json?: boolean }) => {
      const bar = stageBar(Boolean(process.stderr.isTTY));
      const summary = await withKith((k) =>
        k.duplicateScans.scan({ incremental: o.incremental, actor: CLI_ACTOR, onStage: bar.onStage }),
      ).finally(() => bar.stop());
      if (o.json) printJson(summary);
      else {
        process.stdout.write(
          `${summary.kind} scan of ${summary.contacts} contacts: ${summary.compared} pairs compared, ` +
            `${summary.match_pairs} match + ${summary.review_pairs} review pairs, ${summary.clusters} clusters ` +
            `(${summary.clusters_all_match} with every pair in the match band) ` +
            `in ${summary.seconds}s\n`,
        );
        const check = summary.model_check;
        if (check?.fallback)
          process.stderr.write(
            `the learnt model failed its check and was replaced (${check.fallback}): ${check.problems.join('; ')}\n`,
          );
        else if (check && check.problems.length > 0)
          process.stderr.write(`model kept, with warnings: ${check.problems.join('; ')}\n`);
      }
    });

  duplicates
    .command('list')
    .description('the review queue, strongest pairs first')
    .option('--band <band>', 'match or review')
    .option('--status <status>', 'open (default), not_duplicate, skipped or merged')
    .option(
      '--min-score <p>',
      'only pairs scoring at least this (0–1)',
      numberOption('--min-score', { min: 0, max: 1, integer: false }),
    )
    .option('--field <field>', 'only pairs agreeing on this field')
    .option('--limit <n>', 'at most this many pairs (1 or more)', numberOption('--limit', { min: 1 }))
    .option('--json', 'print the pairs as JSON')
    .action(
      async (o: {
        band?: string;
        status?: string;
        minScore?: number;
        field?: string;
        limit?: number;
        json?: boolean;
      }) => {
        const pairs = await withKith((k) =>
          k.duplicateScans.list({
            band: parseBand(o.band),
            status: o.status === undefined ? undefined : parseChoice('--status', o.status, PAIR_STATUSES),
            min_score: o.minScore,
            field: o.field,
            limit: o.limit,
          }),
        );
        if (o.json) printJson(pairs);
        else for (const p of pairs) process.stdout.write(`${pairLine(p)}\n`);
      },
    );

  duplicates
    .command('clusters')
    .description(
      'coherent groups of contacts joined by open match pairs: cluster, weakest pair (id, score, band), mergeable or why held back, contacts',
    )
    .option('--json', 'print the clusters as JSON')
    .action(async (o: { json?: boolean }) => {
      const clusters = await withKith((k) => k.duplicateScans.clusters());
      if (o.json) printJson(clusters);
      else
        for (const c of clusters) {
          const { weakest } = c;
          process.stdout.write(
            `${c.cluster_id}\tweakest ${weakest.pair_id} ${weakest.score} ${weakest.band}\t` +
              `${c.held_back ? `held back: ${c.held_back.reason}` : 'mergeable'}\t${c.contact_ids.join(' ')}\n`,
          );
        }
    });

  duplicates
    .command('export')
    .description('write the open pairs as CSV: a_id,b_id,a_external_id,b_external_id,score,band')
    .requiredOption('--out <file>', 'CSV file to write')
    .option('--band <band>', 'match or review')
    .option('--json', 'print {"file", "pairs"} on stdout')
    .action(async (o: { out: string; band?: string; json?: boolean }) => {
      const out = checkOutputFile('--out', o.out);
      const { csv, count } = await withKith((k) => k.duplicateScans.pairsCsv({ band: parseBand(o.band) }));
      await writeFile(out, csv);
      if (o.json) printJson({ file: out, pairs: count });
      else process.stderr.write(`${count} pairs written to ${o.out}\n`);
    });

  for (const [name, decision, text] of [
    ['not-duplicate', 'not_duplicate', 'mark a pair as not a duplicate (never proposed again)'],
    ['skip', 'skipped', 'skip a pair until the next scan'],
    ['reopen', 'open', 'put a pair back in the queue'],
  ] as const) {
    duplicates
      .command(name)
      .description(text)
      .argument('<pair-id>', 'pair id (dup_…)')
      .action(async (pairId: string) => {
        const pair = await withKith((k) => k.duplicateScans.decide(pairId, decision, CLI_ACTOR));
        process.stdout.write(`${pairLine(pair)}\t${pair.status}\n`);
      });
  }

  duplicates
    .command('merge')
    .description(
      'merge every open cluster whose every pair is in the match band into its default survivor (only on request); the others are held back for review',
    )
    .requiredOption('--auto', 'confirm: merge automatically')
    .option('--band <band>', 'only match is merged automatically', 'match')
    .option('--dry-run', 'show what would be merged')
    .option('--json', 'print the result as JSON')
    .action(async (o: { band: string; dryRun?: boolean; json?: boolean }) => {
      if (o.band !== 'match') {
        throw new KithError(
          'usage',
          `--band ${JSON.stringify(o.band)}: only the match band is merged automatically`,
          2,
        );
      }
      const result = await withKith((k) =>
        mergeMatches(k.duplicateScans, k.merges, CLI_ACTOR, { dryRun: o.dryRun }),
      );
      if (o.json) printJson(result);
      else {
        for (const m of result.merges)
          process.stdout.write(`${m.merge_id ?? '(dry run)'}\t${m.survivor_id}\t${m.merged_ids.join(' ')}\n`);
        for (const f of result.failed)
          process.stderr.write(`not merged ${f.contact_ids.join(' ')}: ${f.error}\n`);
        const held = Object.values(result.held_back).reduce((sum, n) => sum + n, 0);
        process.stderr.write(
          `${result.merged_contacts} contacts ${result.dry_run ? 'would be ' : ''}merged from ${result.merges.length} of ${result.clusters} clusters; ` +
            (result.already_merged > 0
              ? `${result.already_merged} merged meanwhile by another run or a person; `
              : '') +
            `${held} held back for review (${result.held_back.weakest_pair_below_match} with a pair below the match band, ` +
            `${result.held_back.marked_not_duplicate} with a pair marked not duplicate, ${result.held_back.pairs_missing} with pairs no longer open)\n`,
        );
      }
      if (result.failed.length > 0) process.exitCode = 1;
    });
}

export function registerMergeCommands(program: Command): void {
  program
    .command('merge')
    .description('merge contacts into SURVIVOR; emails, phones, identities, tags and groups are all kept')
    .argument('<survivor>', 'the contact that stays')
    .argument('<others...>', 'contacts merged into it')
    .option(
      '--prefer <FIELD=ID>',
      'take FIELD (first_name, email, attr.tier, identity.crm…) from contact ID; repeatable',
      collect,
      [],
    )
    .option('--dry-run', 'show the resulting contact without merging')
    .option('--json', 'print {"merge_id", "survivor_id", "merged_ids", "contact", …} as JSON')
    .action(
      async (
        survivor: string,
        others: string[],
        o: { prefer: string[]; dryRun?: boolean; json?: boolean },
      ) => {
        const result = await withKith((k) =>
          k.merges.merge(
            {
              survivorId: survivor,
              contactIds: others,
              prefer: parsePairs('prefer', o.prefer),
              dryRun: o.dryRun,
            },
            CLI_ACTOR,
          ),
        );
        if (o.json) printJson(result);
        else {
          process.stdout.write(
            `${result.dry_run ? 'would merge' : `merged (${result.merge_id})`}: ${result.merged_ids.join(' ')} → ${result.survivor_id}\n`,
          );
          for (const c of result.choices.filter((ch) => ch.replaced.length > 0)) {
            process.stdout.write(
              `  ${c.field}: ${JSON.stringify(c.value)} from ${c.chosen_from}, replacing ${c.replaced.map((r) => JSON.stringify(r.value)).join(', ')}\n`,
            );
          }
          for (const d of result.dropped_identities) {
            process.stdout.write(
              `  identity ${d.type}=${d.value} of ${d.contact_id} not kept (the survivor holds another); unmerge restores it\n`,
            );
          }
        }
      },
    );
  program
    .command('unmerge')
    .description('undo a merge: the merged contacts come back with their own values and records')
    .argument('<merge-id>', 'merge id (mrg_…)')
    .option('--json', 'print the restored contacts as JSON')
    .action(async (mergeId: string, o: { json?: boolean }) => {
      const result = await withKith((k) => k.merges.unmerge(mergeId, CLI_ACTOR));
      if (o.json) printJson(result);
      else {
        process.stdout.write(
          `unmerged ${mergeId}: ${result.restored.map((c) => c.id).join(' ')} restored from ${result.survivor.id}\n`,
        );
        if (result.kept_later_changes.length > 0) {
          process.stdout.write(
            `  kept on the survivor (changed after the merge): ${result.kept_later_changes.join(', ')}\n`,
          );
        }
      }
    });
}
