import { KithError } from '../domain/errors.js';

/** A read (list, search, count) ran past the store's time limit and was stopped. */
export class QueryTimeoutError extends KithError {
  constructor(readonly timeoutMs: number) {
    super(
      'query_timeout',
      `the query took longer than ${timeoutMs} ms and was stopped; narrow the search or the filters and try again`,
      503,
      { timeout_ms: timeoutMs },
    );
  }
}

/** PostgreSQL's answer to statement_timeout: 57014 query_canceled. */
export function isPostgresTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '57014';
}
