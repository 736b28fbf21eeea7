/**
 * OutboundHttp: the one way Kith sends an HTTP request to another system (webhook deliveries, rule
 * actions, connectors). Before connecting it checks the URL against the OutboundPolicy, resolves a host
 * name once and keeps only the addresses the policy permits, then connects to exactly those: the socket's
 * own lookup is handed the checked answer, so a DNS server that changes its answer between the check and
 * the connection (DNS rebinding) cannot slip an internal address in. TLS still verifies the certificate
 * against the host name. Redirects are never followed: a 3xx is an answer like any other non-2xx, since
 * following one would send the body to an address nobody checked when the URL was saved.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { normalizeHost, type OutboundPolicy, REFUSAL_HINT } from './outbound-policy.js';

/**
 * The most of one answer a fetcher reads: a full CardDAV listing of 100,000 cards with their data is
 * about 60 MB.
 */
export const MAX_ANSWER_BYTES = 256 * 2 ** 20;

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a host name resolves to (injectable, so tests can play a DNS server). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true });

/** The policy refused the request; nothing was sent. */
export class OutboundRefusedError extends Error {
  override name = 'OutboundRefusedError';
}

export interface OutboundRequest {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  /** For the whole request: resolving, connecting and the answer's status line. */
  timeoutMs: number;
}

export interface OutboundResponse {
  status: number;
  /** 2xx. */
  ok: boolean;
  /** What went wrong when not ok, for the delivery's or the rule log's error. */
  error: string | null;
}

export class OutboundHttp {
  constructor(
    readonly policy: OutboundPolicy,
    private readonly resolve: Resolver = systemResolver,
  ) {}

  /** What makes `url` unusable without asking DNS (for checks when a URL is saved), or null. */
  urlProblem(url: string): string | null {
    return this.policy.urlProblem(url);
  }

  /**
   * Sends one request and reads the status line only (the body is dropped). Throws OutboundRefusedError
   * when the policy refuses the URL or every address its host resolves to, and an Error naming the cause
   * when the network fails or the time runs out.
   */
  async send(url: string, request: OutboundRequest): Promise<OutboundResponse> {
    const deadline = Date.now() + request.timeoutMs;
    const problem = this.policy.urlProblem(url);
    const target = new URL(url);
    if (problem) throw new OutboundRefusedError(`refused: the URL ${problem}`);
    const host = normalizeHost(target.hostname);
    const lookup = net.isIP(host) ? undefined : await this.checkedLookup(host, request.timeoutMs);
    const transport = target.protocol === 'https:' ? https : http;
    return new Promise<OutboundResponse>((resolve, reject) => {
      const req = transport.request(
        target,
        {
          method: request.method,
          headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
          // A fresh connection per request, through the lookup that hands out only checked addresses.
          agent: false,
          lookup,
        },
        (res) => {
          clearTimeout(timer);
          res.destroy();
          resolve(answerOf(res.statusCode ?? 0, res.headers.location));
        },
      );
      const timer = setTimeout(
        () => req.destroy(new Error(`no answer within ${request.timeoutMs / 1000} s`)),
        Math.max(0, deadline - Date.now()),
      );
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      req.end(request.body);
    });
  }

  /**
   * A `fetch` for a client library that speaks a protocol of its own over HTTP (tsdav for CardDAV):
   * any method, the whole answer read. Every URL is checked like `send`'s; each host is resolved once
   * per fetcher and its connections (kept alive, so a run of thousands of requests does not open
   * thousands of sockets) go only to the checked addresses. Redirects are not followed. `onRequest` is
   * told of every request sent (a connector's request count).
   */
  fetcher(options: {
    timeoutMs: number;
    onRequest?: () => void;
    maxAnswerBytes?: number;
  }): typeof fetch & { close(): void } {
    const maxAnswerBytes = options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
    const lookups = new Map<string, Promise<net.LookupFunction | undefined>>();
    const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
    const run = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const problem = this.policy.urlProblem(url);
      if (problem) throw new OutboundRefusedError(`refused: the URL ${problem}`);
      const target = new URL(url);
      const host = normalizeHost(target.hostname);
      let lookup = lookups.get(host);
      if (!lookup) {
        lookup = net.isIP(host) ? Promise.resolve(undefined) : this.checkedLookup(host, options.timeoutMs);
        lookups.set(host, lookup);
        lookup.catch(() => lookups.delete(host));
      }
      const checked = await lookup;
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const body = init.body === undefined || init.body === null ? undefined : String(init.body);
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const secure = target.protocol === 'https:';
      options.onRequest?.();
      return new Promise<Response>((resolve, reject) => {
        const req = (secure ? https : http).request(
          target,
          {
            method: init.method ?? 'GET',
            headers,
            agent: secure ? agents.https : agents.http,
            ...(checked ? { lookup: checked } : {}),
          },
          (res) => {
            const chunks: Buffer[] = [];
            let received = 0;
            res.on('data', (c: Buffer) => {
              received += c.length;
              // The whole answer is held in memory: a server that never stops sending must not take it.
              if (received > maxAnswerBytes) {
                clearTimeout(timer);
                req.destroy(
                  new Error(`the answer from ${target.host} is larger than ${sizeText(maxAnswerBytes)}`),
                );
                return;
              }
              chunks.push(c);
            });
            res.on('error', reject);
            res.on('end', () => {
              clearTimeout(timer);
              const status = res.statusCode ?? 0;
              const responseHeaders = new Headers();
              for (const [k, v] of Object.entries(res.headers))
                if (v !== undefined) responseHeaders.set(k, Array.isArray(v) ? v.join(', ') : v);
              const noBody = status === 204 || status === 304 || (status >= 100 && status < 200);
              const response = new Response(noBody ? null : Buffer.concat(chunks), {
                status,
                statusText: res.statusMessage ?? '',
                headers: responseHeaders,
              });
              Object.defineProperty(response, 'url', { value: url });
              resolve(response);
            });
          },
        );
        const timer = setTimeout(
          () => req.destroy(new Error(`no answer from ${target.host} within ${options.timeoutMs / 1000} s`)),
          options.timeoutMs,
        );
        req.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        req.end(body);
      });
    };
    return Object.assign(run as typeof fetch, {
      close: () => {
        agents.http.destroy();
        agents.https.destroy();
      },
    });
  }

  /** Resolves `host` once; a lookup function for the socket that answers with the permitted addresses. */
  private async checkedLookup(host: string, timeoutMs: number): Promise<net.LookupFunction> {
    let timer: NodeJS.Timeout | undefined;
    const answers = await Promise.race([
      this.resolve(host).catch((e: NodeJS.ErrnoException) => {
        throw new Error(`cannot resolve ${host}: ${e.code ?? e.message}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`cannot resolve ${host} within ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    // An administrator's allowed name goes wherever it resolves; otherwise internal answers are dropped,
    // and the request goes ahead only to the public ones.
    const permitted = this.policy.allowsHostName(host)
      ? answers
      : answers.filter((a) => this.policy.addressProblem(a.address) === null);
    if (permitted.length === 0) {
      const first = answers[0];
      throw new OutboundRefusedError(
        first
          ? `refused: ${host} resolves to ${first.address}, ${this.policy.addressProblem(first.address)}: ${REFUSAL_HINT}`
          : `cannot resolve ${host}: no address`,
      );
    }
    return ((_hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
      if (options.all) callback(null, permitted);
      else callback(null, permitted[0]!.address, permitted[0]!.family);
    }) as net.LookupFunction;
  }
}

function sizeText(bytes: number): string {
  return bytes >= 2 ** 20 ? `${Math.round(bytes / 2 ** 20)} MB` : `${Math.round(bytes / 1024)} KB`;
}

function answerOf(status: number, location: string | undefined): OutboundResponse {
  if (status >= 200 && status < 300) return { status, ok: true, error: null };
  if (status >= 300 && status < 400)
    return {
      status,
      ok: false,
      error: `the receiver answered HTTP ${status}, a redirect${location ? ` to ${location}` : ''}; redirects are not followed: give the final URL`,
    };
  return { status, ok: false, error: `the receiver answered HTTP ${status}` };
}
