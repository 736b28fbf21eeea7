/**
 * The live stream's plumbing (`GET /api/live`, server-sent events): one poller per server process tails
 * the conversation stream (src/conversations/conversation-stream.ts) while anyone is connected, and fans
 * each batch out to every client that may see it — one query per batch, never one per client. Each event
 * carries the stream's number as its `id`, so a browser's EventSource reconnects with Last-Event-ID and
 * is sent what it missed first. Heartbeats keep proxies from closing an idle stream; a client that does
 * not read (more than `maxBufferedBytes` waiting) is dropped rather than buffered for; every stream ends
 * after `maxLifetimeMs` and the browser reconnects, signed in again. Meanwhile each client's credential
 * is checked again every `recheckMs`: a stream whose session ended (sign-out, password change, revoked
 * sessions), whose token was revoked or whose user was disabled ends there, and a changed role applies.
 */
import type { ServerResponse } from 'node:http';
import type { ConversationViewer } from '../conversations/conversation-service.js';
import type { ConversationStream, StreamEntry } from '../conversations/conversation-stream.js';

export interface LiveHubOptions {
  pollMs?: number;
  heartbeatMs?: number;
  maxBufferedBytes?: number;
  /** Entries a reconnecting client is sent from the past; further behind, it is told to reload. */
  maxCatchUp?: number;
  maxLifetimeMs?: number;
  /** How often each client's session or token is checked again (see `connect`'s `recheck`). */
  recheckMs?: number;
  /**
   * Streams one user may hold open at once (all their tabs, programs and tokens). Each is a socket and a
   * credential check every `recheckMs`: without a bound one token could open thousands.
   */
  maxStreamsPerUser?: number;
  /** Where a failing poll is reported. */
  log?: (message: string) => void;
}

interface LiveClient {
  viewer: ConversationViewer;
  res: ServerResponse;
  /** The last number this client was sent (or has seen). */
  cursor: number;
  /** While the client catches up, live batches wait here. */
  pending: StreamEntry[][] | null;
  lifetime: NodeJS.Timeout;
  /** Who the client's credential names now; null once it no longer names an active user. */
  recheck: (() => Promise<ConversationViewer | null>) | null;
  /** A recheck is under way (they never overlap for one client). */
  checking: boolean;
}

const BATCH = 500;

export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  /** Open (or opening) streams by user id. */
  private readonly streamsByUser = new Map<string, number>();
  private position = -1;
  private pollTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private rechecks: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private closed = false;
  private readonly options: Required<LiveHubOptions>;

  constructor(
    private readonly stream: ConversationStream,
    options: LiveHubOptions = {},
  ) {
    this.options = {
      pollMs: 250,
      heartbeatMs: 15_000,
      maxBufferedBytes: 1024 * 1024,
      maxCatchUp: 1000,
      maxLifetimeMs: 10 * 60_000,
      recheckMs: 5_000,
      maxStreamsPerUser: 20,
      log: (message) => process.stderr.write(`kith: live stream: ${message}\n`),
      ...options,
    };
  }

  get connected(): number {
    return this.clients.size;
  }

  get maxStreamsPerUser(): number {
    return this.options.maxStreamsPerUser;
  }

  /**
   * Takes one of `userId`'s stream places before the stream opens: a release function, called once the
   * stream is gone, or null when the user already holds every place.
   */
  reserve(userId: string): (() => void) | null {
    const open = this.streamsByUser.get(userId) ?? 0;
    if (open >= this.options.maxStreamsPerUser) return null;
    this.streamsByUser.set(userId, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.streamsByUser.get(userId) ?? 1) - 1;
      if (left > 0) this.streamsByUser.set(userId, left);
      else this.streamsByUser.delete(userId);
    };
  }

  /**
   * Serves one client on an already hijacked response until it goes away. `after`: the last number it
   * saw (Last-Event-ID); null starts at the present. `recheck` resolves the request's credential again
   * (every `recheckMs`): null ends the stream, a viewer with another role is served as such.
   */
  async connect(
    res: ServerResponse,
    viewer: ConversationViewer,
    after: number | null,
    recheck: (() => Promise<ConversationViewer | null>) | null = null,
  ): Promise<void> {
    if (this.closed) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // nginx and similar proxies would otherwise hold events back.
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    res.socket?.setNoDelay(true);
    if (this.position < 0) this.position = await this.stream.head();
    if (this.closed) {
      // The server began to stop meanwhile.
      endStream(res);
      return;
    }
    const client: LiveClient = {
      viewer,
      res,
      cursor: after ?? this.position,
      pending: after === null ? null : [],
      lifetime: setTimeout(() => res.end(), this.options.maxLifetimeMs),
      recheck,
      checking: false,
    };
    this.clients.add(client);
    res.on('close', () => this.drop(client));
    this.ensureRunning();
    res.write(`retry: 1000\n\n`);
    if (after !== null) await this.catchUp(client, after);
    this.send(client, `event: ready\ndata: ${JSON.stringify({ seq: client.cursor })}\n\n`);
  }

  private async catchUp(client: LiveClient, after: number): Promise<void> {
    try {
      const tail = await this.stream.tail();
      let missed: StreamEntry[] = [];
      let lost = tail > after + 1;
      if (!lost) {
        for (let cursor = after; ;) {
          const batch = await this.stream.read(cursor, BATCH);
          if (batch.length === 0) break;
          missed = missed.concat(batch);
          cursor = batch[batch.length - 1]!.seq;
          if (missed.length > this.options.maxCatchUp) {
            lost = true;
            break;
          }
          if (batch.length < BATCH) break;
        }
      }
      if (lost) {
        // Too far behind to replay: the browser loads its lists again from the REST API.
        client.cursor = Math.max(this.position, missed[missed.length - 1]?.seq ?? 0);
        this.send(client, `event: reset\ndata: ${JSON.stringify({ seq: client.cursor })}\n\n`);
      } else {
        const members = await this.stream.membersOf([...new Set(missed.map((e) => e.inbox_id))]);
        this.deliver(client, missed, members);
      }
      const pending = client.pending ?? [];
      client.pending = null;
      for (const batch of pending) this.deliver(client, batch, await this.stream.membersOf(inboxesOf(batch)));
    } catch (e) {
      this.options.log(`catching up failed: ${(e as Error).message}`);
      client.res.end();
    }
  }

  private ensureRunning(): void {
    this.heartbeat ??= setInterval(() => {
      for (const client of this.clients) this.send(client, `: ping\n\n`);
    }, this.options.heartbeatMs);
    this.rechecks ??= setInterval(() => {
      for (const client of this.clients) void this.recheck(client);
    }, this.options.recheckMs);
    if (this.pollTimer || this.polling) return;
    this.schedule(this.options.pollMs);
  }

  private schedule(ms: number): void {
    if (this.closed || this.clients.size === 0) {
      this.stopTimers();
      return;
    }
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      this.polling = this.poll().finally(() => {
        this.polling = null;
      });
    }, ms);
  }

  /** Ends the client's stream once its credential no longer names an active user; follows a new role. */
  private async recheck(client: LiveClient): Promise<void> {
    if (!client.recheck || client.checking) return;
    client.checking = true;
    try {
      const viewer = await client.recheck();
      if (!this.clients.has(client)) return;
      if (viewer === null || viewer.userId !== client.viewer.userId) {
        client.res.end();
        this.drop(client);
      } else client.viewer = viewer;
    } catch (e) {
      // A store that cannot answer now is asked again at the next check; the stream goes on meanwhile.
      this.options.log(`checking a client's credential failed: ${(e as Error).message}`);
    } finally {
      client.checking = false;
    }
  }

  private async poll(): Promise<void> {
    let next = this.options.pollMs;
    try {
      const entries = await this.stream.read(this.position, BATCH);
      if (entries.length > 0) {
        this.position = entries[entries.length - 1]!.seq;
        const members = await this.stream.membersOf(inboxesOf(entries));
        for (const client of this.clients) {
          if (client.pending) client.pending.push(entries);
          else this.deliver(client, entries, members);
        }
        // A full batch: more are waiting.
        if (entries.length === BATCH) next = 0;
      }
    } catch (e) {
      this.options.log(`reading the conversation stream failed: ${(e as Error).message}`);
      next = Math.max(this.options.pollMs, 2000);
    }
    this.schedule(next);
  }

  private deliver(client: LiveClient, entries: StreamEntry[], members: Map<string, Set<string>>): void {
    let text = '';
    for (const entry of entries) {
      if (entry.seq <= client.cursor) continue;
      client.cursor = entry.seq;
      if (client.viewer.role !== 'admin' && !members.get(entry.inbox_id)?.has(client.viewer.userId)) continue;
      text += frameOf(entry);
    }
    // An id-only frame moves the client's Last-Event-ID past what it may not see, so a reconnection
    // does not ask for it again.
    if (text === '' && entries.length > 0 && client.cursor > 0) text = `id: ${client.cursor}\n\n`;
    if (text !== '') this.send(client, text);
  }

  private send(client: LiveClient, text: string): void {
    const { res } = client;
    if (res.destroyed || res.writableEnded) return;
    if (res.writableLength > this.options.maxBufferedBytes) {
      // It is not reading: drop it; its EventSource reconnects and catches up or reloads.
      res.destroy();
      this.drop(client);
      return;
    }
    res.write(text);
  }

  private drop(client: LiveClient): void {
    clearTimeout(client.lifetime);
    this.clients.delete(client);
    if (this.clients.size === 0) this.stopTimers();
  }

  private stopTimers(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.rechecks) clearInterval(this.rechecks);
    this.rechecks = null;
    // Started again at the head when someone connects: nobody needs what happened in between.
    if (this.clients.size === 0) this.position = -1;
  }

  /** Ends every stream and its connection (server shutdown); the browsers reconnect elsewhere. */
  async close(): Promise<void> {
    this.closed = true;
    for (const client of [...this.clients]) {
      endStream(client.res);
      this.drop(client);
    }
    this.stopTimers();
    await this.polling;
  }
}

/**
 * Ends a stream and closes its connection once the end is sent: the stream was answered with
 * Connection: keep-alive, and a kept-alive connection would hold a stopping server.
 */
function endStream(res: ServerResponse): void {
  const socket = res.socket;
  // Once the stream's last chunk is written: ended at once, the socket could close before it is sent,
  // and the browser would read a broken stream instead of an ended one.
  res.end(() => socket?.end());
}

function inboxesOf(entries: StreamEntry[]): string[] {
  return [...new Set(entries.map((e) => e.inbox_id))];
}

/** Cached per entry: with many clients the same frame goes to each. */
const frames = new WeakMap<StreamEntry, string>();
function frameOf(entry: StreamEntry): string {
  let frame = frames.get(entry);
  if (!frame) {
    const data = {
      seq: entry.seq,
      kind: entry.kind,
      conversation: entry.conversation,
      message: entry.message,
    };
    frame = `id: ${entry.seq}\nevent: conversation\ndata: ${JSON.stringify(data)}\n\n`;
    frames.set(entry, frame);
  }
  return frame;
}
