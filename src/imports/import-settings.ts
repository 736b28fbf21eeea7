import type { Region } from '../domain/normalize/phone.js';

export type SourcePolicy = 'new-only' | 'all';
export type OnFileDuplicate = 'reject' | 'last';

/** What an administrator chose for one import; stored with it and shown in its history. */
export interface ImportSettings {
  /** Tags added to every imported contact. */
  tags: string[];
  /** Static group every imported contact joins (created if missing). */
  group: string | null;
  /** new-only: source fields are set on new contacts and never change existing ones. */
  sourcePolicy: SourcePolicy;
  region: Region;
  createAttributes: boolean;
  onFileDuplicate: OnFileDuplicate;
  dryRun: boolean;
  /**
   * Automation rules on `contact_created` / `contact_updated` run for the contacts this import creates
   * or changes (after each batch commits). Off for a migration: a million old customers must not get
   * a million welcome e-mails. Absent in imports recorded before the setting: on.
   */
  runAutomationRules: boolean;
}

export const SOURCE_FIELDS = ['initial_source', 'initial_source_detail', 'campaign'] as const;
