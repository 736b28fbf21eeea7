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
}

export const SOURCE_FIELDS = ['initial_source', 'initial_source_detail', 'campaign'] as const;
