/**
 * An import thread's failure as it crosses to the main thread and back into the error it was: an
 * unreadable file stays an `ImportFileError` with its line, a `KithError` keeps its code and status.
 */
import { type ErrorDetails, KithError } from '../../domain/errors.js';
import { ImportFileError } from './import-file-error.js';

export interface ThreadError {
  message: string;
  code: string | null;
  status: number | null;
  details: unknown;
}

export function errorForThread(e: unknown): ThreadError {
  const error = e instanceof Error ? e : new Error(String(e));
  const kithError = error instanceof KithError ? error : null;
  return {
    message: error.message,
    code: kithError?.code ?? null,
    status: kithError?.status ?? null,
    details: kithError?.details ?? null,
  };
}

export function errorFromThread(error: ThreadError): Error {
  const details = (error.details ?? undefined) as ErrorDetails;
  if (error.code === 'unreadable_file')
    return new ImportFileError(error.message, details as Record<string, unknown> | undefined);
  if (error.code !== null) return new KithError(error.code, error.message, error.status ?? 500, details);
  return new Error(error.message);
}
