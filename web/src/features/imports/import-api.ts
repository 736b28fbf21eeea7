/**
 * What the import screens ask the server: the upload limit, previews and imports (multipart uploads with
 * progress), an import followed while it runs, the history, and the lists the mapping and settings offer.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, ApiError, type Schemas, unwrap, upload } from '../../api/client';

export type ImportRecord = Schemas['Import'];
export type ImportPreview = Schemas['ImportPreview'];
export type ImportStatus = ImportRecord['status'];

/** What the reader is told about the file: the preview's choices, sent again with the import. */
export interface ReadOptions {
  encoding?: string;
  delimiter?: string;
  sheet?: string;
  header_row?: number;
}

export interface ImportOptions extends ReadOptions {
  tags: string[];
  group: string | null;
  source_policy: 'new-only' | 'all';
  on_file_duplicate: 'reject' | 'last';
  region: string;
  run_automation_rules: boolean;
  initial_source: string | null;
  initial_source_detail: string | null;
  campaign: string | null;
  dry_run: boolean;
}

export const HISTORY_PAGE = 50;
const ACTIVE: ImportStatus[] = ['queued', 'running'];
export const isActive = (record: Pick<ImportRecord, 'status'>) => ACTIVE.includes(record.status);
/** An undo claimed and not ended: it runs in batches, and its report is written when it ends. */
export const isUndoing = (record: Pick<ImportRecord, 'undone_at' | 'undo_report'>) =>
  record.undone_at !== null && record.undo_report === null;

export const importKey = (id: string) => ['import', id] as const;

export function useImportSettings() {
  return useQuery({
    queryKey: ['import-settings'],
    queryFn: () => unwrap(api.GET('/api/imports/settings')),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * The file goes to the server once, with its first preview: the server keeps it (for this user, a day)
 * and answers its handle (`upload_id`), which later previews, the check and the run send instead.
 */
export function previewFile(
  file: File,
  options: ReadOptions,
  onProgress?: (fraction: number) => void,
): Promise<ImportPreview> {
  const form = new FormData();
  form.append('options', JSON.stringify(options));
  form.append('file', file, file.name);
  return upload<ImportPreview>('/api/imports/preview', form, onProgress);
}

/** Whether the server no longer has an upload (a day old, or already run): the file must go again. */
export const isUploadGone = (error: unknown) =>
  error instanceof ApiError && error.code === 'upload_not_found';

/** Removes an upload the server keeps for this user; one already gone (run, expired) is no matter. */
export async function discardUpload(uploadId: string): Promise<void> {
  try {
    await unwrap(api.DELETE('/api/imports/uploads/{id}', { params: { path: { id: uploadId } } }));
  } catch (error) {
    if (!isUploadGone(error)) throw error;
  }
}

/** The same file read another way (encoding, delimiter, sheet, header row), by its handle. */
export async function previewUpload(
  source: { uploadId: string; file: File },
  options: ReadOptions,
  onProgress?: (fraction: number) => void,
): Promise<ImportPreview> {
  const form = new FormData();
  form.append('options', JSON.stringify(options));
  form.append('upload_id', source.uploadId);
  try {
    return await upload<ImportPreview>('/api/imports/preview', form);
  } catch (error) {
    if (isUploadGone(error)) return previewFile(source.file, options, onProgress);
    throw error;
  }
}

/** Starts an import (or a check, with dry_run) of the uploaded file, by its handle. */
export async function startImport(
  source: { uploadId: string; file: File },
  mapping: Record<string, string>,
  options: ImportOptions,
  onProgress?: (fraction: number) => void,
): Promise<ImportRecord> {
  const send = (withFile: boolean) => {
    const form = new FormData();
    form.append('mapping', JSON.stringify(mapping));
    form.append('options', JSON.stringify(options));
    if (withFile) form.append('file', source.file, source.file.name);
    else form.append('upload_id', source.uploadId);
    return upload<ImportRecord>('/api/imports', form, withFile ? onProgress : undefined);
  };
  try {
    return await send(false);
  } catch (error) {
    // Kept a day only: after that (or a wizard left open overnight) the file goes again.
    if (isUploadGone(error)) return send(true);
    throw error;
  }
}

/**
 * An import, asked again every second while it is queued, running or being undone (and while the
 * server is away).
 */
export function useImport(id: string | null | undefined) {
  return useQuery({
    queryKey: importKey(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/imports/{id}', { params: { path: { id: id! } } })),
    enabled: Boolean(id),
    refetchInterval: (query) => {
      const data = query.state.data;
      if (query.state.status === 'error' && !data) return false;
      return !data || isActive(data) || isUndoing(data) || query.state.fetchFailureCount > 0 ? 1000 : false;
    },
    retry: (count, error) =>
      count < 3 && !(error instanceof Error && 'status' in error && error.status === 404),
    staleTime: 0,
  });
}

/** The history's page before `before`: real imports only, or with `checks` the dry runs too. */
export function useImports(before: string | undefined, checks = true) {
  return useQuery({
    queryKey: ['imports', before ?? '', checks ? 'checks' : 'real'],
    queryFn: () =>
      unwrap(
        api.GET('/api/imports', {
          params: {
            query: { before, limit: HISTORY_PAGE, ...(checks ? {} : { dry_run: 'false' as const }) },
          },
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.data.some((r) => isActive(r) || isUndoing(r)) ? 2000 : false,
  });
}

export function useUsers() {
  return useQuery({
    queryKey: ['users'],
    queryFn: () => unwrap(api.GET('/api/users')),
    staleTime: 60_000,
  });
}

export function useIdentityTypes() {
  return useQuery({ queryKey: ['identity-types'], queryFn: () => unwrap(api.GET('/api/identity-types')) });
}

export function useAttributeDefinitions() {
  return useQuery({ queryKey: ['attributes'], queryFn: () => unwrap(api.GET('/api/attributes')) });
}

export function useGroups() {
  return useQuery({ queryKey: ['groups'], queryFn: () => unwrap(api.GET('/api/groups')) });
}

export function useTags() {
  return useQuery({ queryKey: ['tags'], queryFn: () => unwrap(api.GET('/api/tags')) });
}

/** The failure file (rows that failed, with `error`) or the warnings file (rows imported with a value left out). */
export type RowFileKind = 'failures' | 'warnings';

export const rowFileUrl = (id: string, kind: RowFileKind) => `/api/imports/${encodeURIComponent(id)}/${kind}`;
export const sourceUrl = (id: string) => `/api/imports/${encodeURIComponent(id)}/source`;
/** A Tmall import's item failures (items whose order is not in the orders file). */
export const itemFailuresUrl = (id: string) => `/api/imports/${encodeURIComponent(id)}/item-failures`;

/** A row file's text (CSV, UTF-8 with BOM), for showing its first rows and reasons. */
/** The failure or warnings file summarised by the server: reasons by kind with counts, the first rows. */
export function fetchRowReport(id: string, kind: RowFileKind) {
  return unwrap(api.GET('/api/imports/{id}/row-report', { params: { path: { id }, query: { kind } } }));
}

export function cancelImport(id: string) {
  return unwrap(api.POST('/api/imports/{id}/cancel', { params: { path: { id } } }));
}

/** A completed dry run's file, columns and settings imported for real, as a new import. */
export function importDryRunForReal(id: string) {
  return unwrap(api.POST('/api/imports/{id}/import-for-real', { params: { path: { id } } }));
}

export function undoImport(id: string) {
  return unwrap(api.POST('/api/imports/{id}/undo', { params: { path: { id } } }));
}

/** Deletes an ended import's files now (admin): its record, counts and undo stay. */
export function deleteImportFiles(id: string) {
  return unwrap(api.DELETE('/api/imports/{id}/files', { params: { path: { id } } }));
}
