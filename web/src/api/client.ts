/**
 * The one way the web app talks to Kith: the REST API, typed from the server's own OpenAPI document
 * (schema.d.ts is generated; a test fails when it drifts). Cookie-authenticated writes carry the CSRF
 * token the server set at sign-in.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Contact = Schemas['Contact'];
export type User = Schemas['User'];

export interface ErrorDetail {
  field?: string;
  value?: unknown;
  reason?: string;
  [key: string]: unknown;
}

/** A refused request, as the server explained it: `{"error": {"code", "message", "details"}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] | Record<string, unknown> | null = null,
  ) {
    super(message);
  }

  /** Field-level problems, when the server named fields, each field as a form knows it (no `body.`). */
  get fieldErrors(): (ErrorDetail & { field: string })[] {
    const list = Array.isArray(this.details)
      ? this.details
      : this.details
        ? [this.details as ErrorDetail]
        : [];
    return list
      .filter((d): d is ErrorDetail & { field: string } => typeof d.field === 'string')
      .map((d) => ({ ...d, field: d.field.replace(/^body\./, '') }));
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function csrfToken(): string | null {
  const match = /(?:^|;\s*)kith_csrf=([^;]+)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]!) : null;
}

/** Headers every hand-made request (uploads, downloads) needs too. */
export function writeHeaders(): Record<string, string> {
  const token = csrfToken();
  return token ? { 'X-CSRF-Token': token } : {};
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (UNSAFE.has(request.method)) {
      const token = csrfToken();
      if (token) request.headers.set('X-CSRF-Token', token);
    }
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(csrf);

export async function toApiError(response: Response, body?: unknown): Promise<ApiError> {
  let payload = body;
  if (payload === undefined) {
    try {
      payload = await response.json();
    } catch {
      payload = null;
    }
  }
  const error = (payload as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  return new ApiError(
    response.status,
    error?.code ?? `http_${response.status}`,
    error?.message ?? response.statusText ?? 'request failed',
    (error?.details as ApiError['details']) ?? null,
  );
}

/**
 * A request or a screen's code that never reached the server (it is down, or the connection is): fetch
 * rejects with a TypeError ("Failed to fetch", "NetworkError …", "Load failed"), a lazy screen's import
 * with one of its own words, whatever the browser.
 */
export function isNetworkFailure(error: unknown): boolean {
  if (error instanceof ApiError) return error.status === 0;
  return (
    error instanceof TypeError &&
    /fetch|network|load failed|dynamically imported module|importing a module script/i.test(error.message)
  );
}

/** Unwraps an openapi-fetch result: the data, or an ApiError carrying the server's explanation. */
export async function unwrap<T>(
  promise: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await promise;
  } catch (e) {
    if (isNetworkFailure(e)) throw new ApiError(0, 'network', 'the server could not be reached');
    throw e;
  }
  const { data, error, response } = result;
  if (!response.ok) throw await toApiError(response, error ?? null);
  return data as T;
}

/** A multipart upload with progress (fetch has no upload progress), answering parsed JSON. */
export function upload<T>(url: string, form: FormData, onProgress?: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(writeHeaders())) xhr.setRequestHeader(name, value);
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the server could not be reached'));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else {
        const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)
          ?.error;
        reject(
          new ApiError(
            xhr.status,
            error?.code ?? `http_${xhr.status}`,
            error?.message ?? 'request failed',
            (error?.details as ApiError['details']) ?? null,
          ),
        );
      }
    };
    xhr.send(form);
  });
}
