/**
 * The import wizard's state: the chosen file (kept in memory only: a browser cannot keep it across a
 * reload), how to read it, the preview, the user's mapping choices, the settings and the last check.
 */
import type { ImportOptions, ImportPreview, ReadOptions } from './import-api';
import { IGNORE, type Mapping, reportColumnIndex } from './mapping-targets';

export const STEPS = ['upload', 'preview', 'mapping', 'settings', 'check'] as const;
export type Step = (typeof STEPS)[number];

export function stepOf(value: string | null): Step {
  return (STEPS as readonly string[]).includes(value ?? '') ? (value as Step) : 'upload';
}

export interface WizardSettings {
  tags: string[];
  group: string;
  source_policy: 'new-only' | 'all';
  on_file_duplicate: 'reject' | 'last';
  region: string;
  run_automation_rules: boolean;
  /** Values for the whole file (blank: none); a row's own mapped column wins. */
  initial_source: string;
  initial_source_detail: string;
  campaign: string;
}

/** The settings that give a source field one value for the whole file, by the field. */
export const SOURCE_VALUE_SETTINGS = ['initial_source', 'initial_source_detail', 'campaign'] as const;

export interface WizardState {
  file: File | null;
  /** The server's handle for the file, sent once with the first preview. */
  uploadId: string | null;
  read: ReadOptions;
  preview: ImportPreview | null;
  /** Targets the user chose; the other columns keep the server's suggestion. */
  choices: Mapping;
  settings: WizardSettings;
  /** The last check (dry run) and what it checked. */
  check: { id: string; signature: string } | null;
}

export const initialState = (region: string): WizardState => ({
  file: null,
  uploadId: null,
  read: {},
  preview: null,
  choices: {},
  settings: {
    tags: [],
    group: '',
    source_policy: 'new-only',
    on_file_duplicate: 'reject',
    region,
    run_automation_rules: true,
    initial_source: '',
    initial_source_detail: '',
    campaign: '',
  },
  check: null,
});

export type EarlierImport = NonNullable<ImportPreview['earlier_import']>;

/**
 * A failure (or warnings) file of an earlier import, fixed: its columns go where that import put them —
 * a column it left out is left out again, though its name suggests a field — and the reason column
 * Kith added stays out; the settings are that import's, so the fixed rows join its tags and group.
 */
export function asEarlierImport(
  preview: ImportPreview,
): { choices: Mapping; settings: Partial<WizardSettings> } | null {
  const earlier = preview.earlier_import;
  if (!earlier) return null;
  const reasons = reportColumnIndex(preview);
  const choices: Mapping = {};
  for (const suggestion of preview.suggested_mapping)
    if (suggestion.index !== reasons)
      choices[suggestion.column] = earlier.mapping[suggestion.column] ?? IGNORE;
  const s = earlier.settings;
  return {
    choices,
    settings: {
      tags: s.tags,
      group: s.group ?? '',
      source_policy: s.source_policy,
      on_file_duplicate: s.on_file_duplicate,
      region: s.region,
      run_automation_rules: s.run_automation_rules,
      initial_source: s.initial_source ?? '',
      initial_source_detail: s.initial_source_detail ?? '',
      campaign: s.campaign ?? '',
    },
  };
}

/** Every column's target: the user's choice, else the suggestion, else left out. */
export function effectiveMapping(preview: ImportPreview | null, choices: Mapping): Mapping {
  const mapping: Mapping = {};
  for (const suggestion of preview?.suggested_mapping ?? [])
    mapping[suggestion.column] = choices[suggestion.column] ?? suggestion.target ?? IGNORE;
  return mapping;
}

export function importOptions(state: WizardState, dryRun: boolean): ImportOptions {
  return {
    ...state.read,
    tags: state.settings.tags,
    group: state.settings.group.trim() || null,
    source_policy: state.settings.source_policy,
    on_file_duplicate: state.settings.on_file_duplicate,
    region: state.settings.region,
    run_automation_rules: state.settings.run_automation_rules,
    initial_source: state.settings.initial_source.trim() || null,
    initial_source_detail: state.settings.initial_source_detail.trim() || null,
    campaign: state.settings.campaign.trim() || null,
    dry_run: dryRun,
  };
}

/** What a check covered: a different file, reading, mapping or setting makes it stale. */
export function checkSignature(state: WizardState): string {
  const file = state.file ? [state.file.name, state.file.size, state.file.lastModified] : null;
  return JSON.stringify([
    file,
    state.read,
    effectiveMapping(state.preview, state.choices),
    importOptions(state, true),
  ]);
}

/** The furthest step the state allows. */
export function reachable(state: WizardState, mappingOk: boolean): Step {
  if (!state.file || !state.preview) return 'upload';
  if (!mappingOk) return 'mapping';
  return 'check';
}
