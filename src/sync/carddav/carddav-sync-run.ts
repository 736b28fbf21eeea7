/**
 * One run of a CardDAV connection, both ways:
 *
 *   pull (server → Kith): sync-collection (RFC 6578, through tsdav) from the stored sync token, asking
 *     for each changed card's ETag and data in the same report; each card is matched to its contact by
 *     the mapping (`sync_cards`), else through `identifyContact` (ContactService.upsertMany, by the UID
 *     kept as identity `carddav_uid`, phones, e-mails); contacts are written through ContactService as
 *     this connection (origin `sync:<id>`), so the change log, timeline and automation see them. The
 *     token is stored once every change of the report is applied.
 *   push (Kith → server): the change feed after the connection's cursor, a page at a time; entries this
 *     connection made are skipped (no echo); each other contact touched is sent as it is now: PUT with
 *     If-Match (If-None-Match: * for a new card), DELETE for a deleted or merged one; the cursor is stored
 *     after each page.
 *
 * A side changed since the last time both were in step when its content differs from what the mapping
 * recorded (the contact's hash; the card's ETag). Both changed is a conflict, settled by the connection's
 * policy and recorded with both versions; a 412 on a write is one too.
 *
 * Resuming after a kill: every card's mapping is stored right after its request, and the token and the
 * cursor only after what they cover. Redoing a page finds cards in step (skipped), a card created but
 * not yet mapped (its PUT answers 412: it is read and adopted when it already says what Kith would
 * write), a contact created but not yet mapped (found again by its UID identity): nothing twice, nothing
 * lost.
 */
import { loadContacts } from '../../contacts/contact-repository.js';
import { readContactChanges } from '../../contacts/contact-change-log.js';
import type { ContactService } from '../../contacts/contact-service.js';
import type { Actor } from '../../domain/actor.js';
import type { Contact } from '../../domain/contact/contact-fields.js';
import { contactContentHash } from '../../domain/contact/contact-content-hash.js';
import { failureReason, KithError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import type { Store } from '../../store/database.js';
import type { SyncCardsTable } from '../../store/schema.js';
import { nowIso } from '../../store/transaction.js';
import type { OutboundHttp } from '../outbound/outbound-http.js';
import {
  type ConflictPolicy,
  collectionUrlOf,
  emptyCounts,
  type SyncConnectionService,
  type SyncCounts,
} from './sync-connection-service.js';
import { CARDDAV_UID_IDENTITY, contactToVcard, vcardToContactInput } from './vcard-mapping.js';

/** tsdav, loaded by the first run: about 10 MB of every process that loads it, and few processes sync. */
const loadTsdav = (() => {
  let loading: ReturnType<typeof importTsdav> | undefined;
  return () => (loading ??= importTsdav());
})();
function importTsdav() {
  return import('tsdav');
}

const FEED_PAGE = 500;
const REQUEST_TIMEOUT_MS = 60_000;

type Mapping = SyncCardsTable;

export interface SyncRunContext {
  /** Keeps the job's lease (throws when another worker took the job over). */
  renewLease(): Promise<void>;
}

interface RemoteCard {
  href: string;
  etag: string | null;
  data: string | null;
  lastModified: string | null;
}

/** A card's mapped fields as comparable JSON (two cards saying the same thing compare equal). */
function mappedContent(card: string): string {
  const { input } = vcardToContactInput(card);
  return JSON.stringify(input);
}

/** When the card was last changed: its REV (basic or extended form), else the server's Last-Modified. */
function remoteTime(card: string | null, lastModified: string | null): number | null {
  const rev = card ? /^REV(?:;[^:\r\n]*)?:(.+)$/im.exec(card)?.[1]?.trim() : undefined;
  const basic = rev
    ? /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(rev)
    : null;
  if (basic) {
    const [, y, mo, d, h, mi, sec, zone] = basic;
    const offset = !zone || zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
    const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}${offset}`);
    if (!Number.isNaN(t)) return t;
  }
  const t = lastModified ? Date.parse(lastModified) : NaN;
  return Number.isNaN(t) ? null : t;
}

function cardData(props: Record<string, unknown> | undefined): string | null {
  const raw = props?.addressData as unknown;
  if (typeof raw === 'string') return raw;
  if (raw && typeof raw === 'object' && '_cdata' in raw) return String((raw as { _cdata: unknown })._cdata);
  return null;
}

/** Only the values a card has: a card first matched to an existing contact fills it, clearing nothing. */
function withoutEmpty(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0)),
  );
}

export class CardDavSyncRun {
  private counts: SyncCounts = emptyCounts();
  private readonly actor: Actor;
  private readonly origin: string;
  private fetch!: ReturnType<OutboundHttp['fetcher']>;
  private headers: Record<string, string> = {};
  private collectionUrl = '';
  private policy: ConflictPolicy = 'newest';
  private direction = 'both';
  private lastSaved = 0;

  constructor(
    private readonly store: Store,
    private readonly connections: SyncConnectionService,
    private readonly contacts: ContactService,
    private readonly outbound: OutboundHttp,
    private readonly connectionId: string,
    private readonly runId: string,
    private readonly ctx: SyncRunContext,
  ) {
    this.actor = { userId: null, channel: 'sync', channelRef: connectionId };
    this.origin = `sync:${connectionId}`;
  }

  private get db() {
    return this.store.db;
  }

  async execute(): Promise<void> {
    const previous = await this.db
      .selectFrom('sync_runs')
      .select(['counts', 'started_at'])
      .where('id', '=', this.runId)
      .executeTakeFirst();
    // A run taken over after its process died goes on counting from what it had saved.
    if (previous) this.counts = { ...emptyCounts(), ...(JSON.parse(previous.counts) as Partial<SyncCounts>) };
    await this.db
      .updateTable('sync_runs')
      .set({ state: 'running', started_at: previous?.started_at ?? nowIso(), error: null })
      .where('id', '=', this.runId)
      .execute();
    this.fetch = this.outbound.fetcher({
      timeoutMs: REQUEST_TIMEOUT_MS,
      onRequest: () => this.counts.requests++,
    });
    try {
      const { row, password } = await this.connections.credentialsOf(this.connectionId);
      this.headers = {
        authorization: `Basic ${Buffer.from(`${row.username}:${password}`).toString('base64')}`,
      };
      this.collectionUrl = collectionUrlOf(row.url, row.collection);
      this.policy = row.conflict_policy as ConflictPolicy;
      this.direction = row.direction;
      if (row.direction !== 'to-remote') {
        await this.setPhase('pull');
        await this.pull(row.sync_token);
      }
      if (row.direction !== 'from-remote') {
        await this.setPhase('push');
        await this.push(Number(row.feed_cursor));
      }
      await this.finish('done', null);
    } catch (e) {
      await this.finish('failed', messageOf(e));
      throw e;
    } finally {
      this.fetch.close();
    }
  }

  // ---- server → Kith -------------------------------------------------------------------------------

  private async pull(token: string | null): Promise<void> {
    const { syncCollection } = await loadTsdav();
    const responses = await syncCollection({
      url: this.collectionUrl,
      props: { 'd:getetag': {}, 'd:getlastmodified': {}, 'card:address-data': {} },
      syncLevel: 1,
      syncToken: token ?? undefined,
      headers: this.headers,
      fetch: this.fetch,
    });
    const first = responses[0] as
      { raw?: { multistatus?: { syncToken?: unknown } }; status?: number } | undefined;
    const multistatus = first?.raw?.multistatus;
    if (!multistatus && first && first.status !== undefined && first.status >= 400) {
      if (first.status === 403 || first.status === 409) {
        // The token is no longer valid (RFC 6578 §3.2): start over with a full listing.
        if (token !== null) return this.pull(null);
      }
      throw new KithError(
        'sync_failed',
        `the server answered HTTP ${first.status} to the sync report on ${this.collectionUrl}${first.status === 401 ? ': the user name or password is wrong' : ''}`,
        502,
      );
    }
    const newToken = multistatus?.syncToken ? String(multistatus.syncToken) : null;
    const cards: RemoteCard[] = [];
    for (const r of responses) {
      if (!r.href || !r.href.toLowerCase().endsWith('.vcf')) continue;
      // A card on another server (`https://other/x.vcf`, `//other/x.vcf`) is not this address book's:
      // following it would send the connection's password and customers' cards there.
      const resolved = new URL(r.href, this.collectionUrl);
      if (resolved.origin !== new URL(this.collectionUrl).origin) {
        this.counts.failed++;
        continue;
      }
      const href = resolved.pathname;
      const props = r.props as Record<string, unknown> | undefined;
      cards.push({
        href,
        etag: r.status === 404 ? null : props?.getetag ? String(props.getetag) : null,
        data: r.status === 404 ? null : cardData(props),
        lastModified: props?.getlastmodified ? String(props.getlastmodified) : null,
      });
    }
    for (let i = 0; i < cards.length; i += 200) {
      const batch = cards.slice(i, i + 200);
      const mappings = await this.mappingsByHref(batch.map((c) => c.href));
      for (const card of batch) {
        try {
          await this.pullCard(card, mappings.get(card.href) ?? null);
        } catch (e) {
          if (!(e instanceof KithError)) throw e;
          this.counts.failed++;
        }
        await this.progress();
      }
    }
    if (newToken)
      await this.db
        .updateTable('sync_connections')
        .set({ sync_token: newToken, updated_at: nowIso() })
        .where('id', '=', this.connectionId)
        .execute();
  }

  private async pullCard(card: RemoteCard, mapping: Mapping | null): Promise<void> {
    if (card.data === null) return this.pullDeletion(card, mapping);
    // Unchanged since we last saw it, or our own write coming back.
    if (mapping && mapping.etag === card.etag) return;
    const parsed = vcardToContactInput(card.data);
    const uid =
      parsed.uid ??
      decodeURIComponent(
        card.href
          .split('/')
          .pop()!
          .replace(/\.vcf$/i, ''),
      );
    const input = { ...parsed.input, identities: { [CARDDAV_UID_IDENTITY]: uid } };
    const contact = mapping?.contact_id
      ? ((await loadContacts(this.db, [mapping.contact_id])).get(mapping.contact_id) ?? null)
      : null;
    if (mapping?.contact_id && contact) {
      const kithChanged = contactContentHash(contact) !== mapping.contact_hash;
      if (kithChanged) {
        const winner = this.winner(Date.parse(contact.updated_at), remoteTime(card.data, card.lastModified));
        await this.recordConflict(mapping.contact_id, card.href, winner, contact, card.data);
        if (winner === 'kith') {
          // The server's card is the base the push writes over (its ETag, its other properties); the
          // contact's hash stays unrecorded, so the push sends Kith's version.
          await this.saveMapping({ ...mapping, etag: card.etag, card: card.data });
          return;
        }
      }
      const updated = await this.contacts.update(mapping.contact_id, input, this.actor);
      this.counts.pulled_updated++;
      await this.saveMapping({
        ...mapping,
        uid,
        etag: card.etag,
        card: card.data,
        contact_hash: contactContentHash(updated),
      });
      return;
    }
    if (mapping?.contact_id && !contact) {
      // Deleted (or merged away) in Kith while changed on the server.
      const winner = this.winner(Date.now(), remoteTime(card.data, card.lastModified));
      await this.recordConflict(mapping.contact_id, card.href, winner, null, card.data);
      if (winner === 'kith') {
        await this.saveMapping({ ...mapping, etag: card.etag, card: card.data });
        return;
      }
    }
    const [outcome] = await this.contacts.upsertMany([withoutEmpty(input)], this.actor);
    if (!outcome || outcome.outcome === 'failed') {
      this.counts.failed++;
      return;
    }
    if (outcome.outcome === 'created') this.counts.pulled_created++;
    else if (outcome.outcome === 'updated') this.counts.pulled_updated++;
    const mapped: Mapping = {
      connection_id: this.connectionId,
      href: card.href,
      uid,
      contact_id: outcome.id,
      etag: card.etag,
      card: card.data,
      contact_hash: outcome.etag,
      updated_at: nowIso(),
    };
    await this.saveMapping(mapped);
    // A card matched to a customer Kith already had: the card learns what only Kith knew (its other
    // phones, its address…), now, since that customer's own changes may be long past the cursor.
    if (outcome.outcome !== 'created' && this.direction !== 'from-remote') {
      const contact = (await loadContacts(this.db, [outcome.id])).get(outcome.id);
      if (contact && mappedContent(contactToVcard(contact, uid, card.data)) !== mappedContent(card.data))
        await this.pushContact(contact, { ...mapped, contact_hash: null });
    }
  }

  private async pullDeletion(card: RemoteCard, mapping: Mapping | null): Promise<void> {
    if (!mapping) return;
    const contact = mapping.contact_id
      ? ((await loadContacts(this.db, [mapping.contact_id])).get(mapping.contact_id) ?? null)
      : null;
    if (contact && contactContentHash(contact) !== mapping.contact_hash) {
      const winner = this.winner(Date.parse(contact.updated_at), Date.now());
      await this.recordConflict(contact.id, card.href, winner, contact, null);
      if (winner === 'kith') {
        // Kith's version is sent again as a new card by the push.
        await this.saveMapping({ ...mapping, etag: null, card: null });
        return;
      }
    }
    if (contact) {
      await this.contacts.delete(contact.id, this.actor);
      this.counts.pulled_deleted++;
    }
    await this.db
      .deleteFrom('sync_cards')
      .where('connection_id', '=', this.connectionId)
      .where('href', '=', card.href)
      .execute();
  }

  // ---- Kith → server -------------------------------------------------------------------------------

  private async push(cursor: number): Promise<void> {
    for (;;) {
      const entries = await readContactChanges(this.store, cursor, FEED_PAGE);
      if (entries.length === 0) return;
      const touched: string[] = [];
      const deletedAt = new Map<string, string>();
      for (const e of entries) {
        if (e.origin === this.origin) {
          this.counts.echoes_skipped++;
          continue;
        }
        if (!touched.includes(e.contact_id)) touched.push(e.contact_id);
        if (e.kind === 'deleted' || e.kind === 'merged_into') deletedAt.set(e.contact_id, e.at);
      }
      const live = await loadContacts(this.db, touched);
      const mappings = await this.mappingsByContact(touched);
      for (const id of touched) {
        try {
          const contact = live.get(id);
          if (contact) await this.pushContact(contact, mappings.get(id) ?? null);
          else if (mappings.has(id))
            await this.pushDeletion(id, mappings.get(id)!, deletedAt.get(id) ?? null);
        } catch (e) {
          if (!(e instanceof KithError)) throw e;
          this.counts.failed++;
        }
        await this.progress();
      }
      cursor = entries[entries.length - 1]!.seq;
      await this.db
        .updateTable('sync_connections')
        .set({ feed_cursor: String(cursor), updated_at: nowIso() })
        .where('id', '=', this.connectionId)
        .execute();
      await this.saveCounts();
      if (entries.length < FEED_PAGE) return;
    }
  }

  private async pushContact(contact: Contact, mapping: Mapping | null): Promise<void> {
    const hash = contactContentHash(contact);
    if (mapping && mapping.contact_hash === hash && mapping.etag) return;
    if (!mapping) {
      const uid = contact.identities[CARDDAV_UID_IDENTITY] ?? contact.id;
      const href = new URL(`${encodeURIComponent(uid)}.vcf`, this.collectionUrl).pathname;
      const existing = await this.mappingsByHref([href]);
      mapping = existing.get(href) ?? {
        connection_id: this.connectionId,
        href,
        uid,
        contact_id: contact.id,
        etag: null,
        card: null,
        contact_hash: null,
        updated_at: nowIso(),
      };
      mapping.contact_id = contact.id;
    }
    const card = contactToVcard(contact, mapping.uid, mapping.card ?? undefined);
    const url = this.cardUrl(mapping.href);
    const { createVCard, updateVCard } = await loadTsdav();
    const response = mapping.etag
      ? await updateVCard({
          vCard: { url, etag: mapping.etag, data: card },
          headers: this.headers,
          fetch: this.fetch,
        })
      : await createVCard({
          addressBook: { url: this.collectionUrl },
          filename: mapping.href.split('/').pop()!,
          vCardString: card,
          headers: this.headers,
          fetch: this.fetch,
        });
    if (response.ok) {
      if (mapping.etag) this.counts.pushed_updated++;
      else this.counts.pushed_created++;
      await this.saveMapping({
        ...mapping,
        etag: response.headers.get('etag') ?? (await this.etagOf(url)),
        card,
        contact_hash: hash,
      });
      return;
    }
    if (response.status === 412 || (response.status === 404 && mapping.etag)) {
      const remote = await this.getCard(url);
      if (!remote.data) {
        // Gone from the server: created again from Kith's version.
        await this.saveMapping({ ...mapping, etag: null, card: null });
        return this.pushContact(contact, { ...mapping, etag: null, card: null, contact_hash: null });
      }
      if (mappedContent(remote.data) === mappedContent(card)) {
        // Already says what we would write (our own earlier write whose answer was lost): adopt it.
        await this.saveMapping({ ...mapping, etag: remote.etag, card: remote.data, contact_hash: hash });
        return;
      }
      const winner = this.winner(
        Date.parse(contact.updated_at),
        remoteTime(remote.data, remote.lastModified),
      );
      await this.recordConflict(contact.id, mapping.href, winner, contact, remote.data);
      if (winner === 'kith')
        return this.pushContact(contact, {
          ...mapping,
          etag: remote.etag,
          card: remote.data,
          contact_hash: null,
        });
      const updated = await this.contacts.update(
        contact.id,
        { ...vcardToContactInput(remote.data).input, identities: { [CARDDAV_UID_IDENTITY]: mapping.uid } },
        this.actor,
      );
      this.counts.pulled_updated++;
      await this.saveMapping({
        ...mapping,
        etag: remote.etag,
        card: remote.data,
        contact_hash: contactContentHash(updated),
      });
      return;
    }
    throw new KithError(
      'sync_failed',
      `the server answered HTTP ${response.status} to writing ${mapping.href}`,
      502,
    );
  }

  private async pushDeletion(contactId: string, mapping: Mapping, deletedAt: string | null): Promise<void> {
    const url = this.cardUrl(mapping.href);
    const { deleteVCard } = await loadTsdav();
    const response = await deleteVCard({
      vCard: { url, etag: mapping.etag ?? undefined },
      headers: this.headers,
      fetch: this.fetch,
    });
    if (response.status === 412) {
      const remote = await this.getCard(url);
      if (remote.data) {
        const winner = this.winner(
          deletedAt ? Date.parse(deletedAt) : Date.now(),
          remoteTime(remote.data, remote.lastModified),
        );
        await this.recordConflict(contactId, mapping.href, winner, null, remote.data);
        if (winner === 'remote') {
          // The server's card lives on: it becomes a contact again (matched or new).
          await this.pullCard(remote, { ...mapping, contact_id: null, etag: null });
          return;
        }
        await this.pushDeletion(contactId, { ...mapping, etag: remote.etag }, deletedAt);
        return;
      }
    } else if (!response.ok && response.status !== 404) {
      throw new KithError(
        'sync_failed',
        `the server answered HTTP ${response.status} to deleting ${mapping.href}`,
        502,
      );
    }
    if (response.ok) this.counts.pushed_deleted++;
    await this.db
      .deleteFrom('sync_cards')
      .where('connection_id', '=', this.connectionId)
      .where('href', '=', mapping.href)
      .execute();
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private winner(kithTime: number, remote: number | null): 'kith' | 'remote' {
    if (this.policy === 'kith-wins') return 'kith';
    if (this.policy === 'remote-wins') return 'remote';
    // newest: the later change wins; a card that says nothing of its time loses to Kith's known one.
    return remote !== null && remote > kithTime ? 'remote' : 'kith';
  }

  private async recordConflict(
    contactId: string | null,
    href: string,
    winner: 'kith' | 'remote',
    kith: Contact | null,
    remote: string | null,
  ): Promise<void> {
    this.counts.conflicts++;
    await this.db
      .insertInto('sync_conflicts')
      .values({
        id: newId('syncConflict'),
        connection_id: this.connectionId,
        run_id: this.runId,
        contact_id: contactId,
        href,
        policy: this.policy,
        winner,
        kith_version: kith ? JSON.stringify(kith) : null,
        remote_version: remote,
        created_at: nowIso(),
      })
      .execute();
  }

  /**
   * A stored card's address on the collection's own server. The stored path is joined to the origin,
   * never resolved as a reference: a path such as `//other.example/x.vcf` would name another host.
   */
  private cardUrl(href: string): string {
    const url = new URL(new URL(this.collectionUrl).origin);
    url.pathname = href;
    return url.href;
  }

  private async getCard(url: string): Promise<RemoteCard> {
    const response = await this.fetch(url, { method: 'GET', headers: this.headers });
    const href = new URL(url).pathname;
    if (response.status === 404) return { href, etag: null, data: null, lastModified: null };
    if (!response.ok)
      throw new KithError(
        'sync_failed',
        `the server answered HTTP ${response.status} to reading ${href}`,
        502,
      );
    return {
      href,
      etag: response.headers.get('etag'),
      data: await response.text(),
      lastModified: response.headers.get('last-modified'),
    };
  }

  private async etagOf(url: string): Promise<string | null> {
    return (await this.getCard(url)).etag;
  }

  private async mappingsByHref(hrefs: string[]): Promise<Map<string, Mapping>> {
    if (hrefs.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('sync_cards')
      .selectAll()
      .where('connection_id', '=', this.connectionId)
      .where('href', 'in', hrefs)
      .execute();
    return new Map(rows.map((r) => [r.href, r]));
  }

  private async mappingsByContact(ids: string[]): Promise<Map<string, Mapping>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('sync_cards')
      .selectAll()
      .where('connection_id', '=', this.connectionId)
      .where('contact_id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.contact_id!, r]));
  }

  private async saveMapping(m: Mapping): Promise<void> {
    const row = { ...m, connection_id: this.connectionId, updated_at: nowIso() };
    await this.db
      .insertInto('sync_cards')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['connection_id', 'href']).doUpdateSet({
          uid: row.uid,
          contact_id: row.contact_id,
          etag: row.etag,
          card: row.card,
          contact_hash: row.contact_hash,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  private async setPhase(phase: string): Promise<void> {
    await this.db.updateTable('sync_runs').set({ phase }).where('id', '=', this.runId).execute();
  }

  /** Keeps the lease and, every second or so, the counts (the run's progress). */
  private async progress(): Promise<void> {
    await this.ctx.renewLease();
    if (Date.now() - this.lastSaved > 1000) await this.saveCounts();
  }

  private async saveCounts(): Promise<void> {
    this.lastSaved = Date.now();
    await this.db
      .updateTable('sync_runs')
      .set({ counts: JSON.stringify(this.counts) })
      .where('id', '=', this.runId)
      .execute();
  }

  private async finish(state: 'done' | 'failed', error: string | null): Promise<void> {
    await this.db
      .updateTable('sync_runs')
      .set({ state, phase: null, error, counts: JSON.stringify(this.counts), finished_at: nowIso() })
      .where('id', '=', this.runId)
      .execute();
  }
}

/**
 * What to tell people: our own errors as they are; a network failure by its cause, no stack; anything
 * else (a library tripping over what the server sent) in general words — it is logged where the job
 * runner logs the error — never its internal message.
 */
export function messageOf(e: unknown): string {
  if (e instanceof KithError) return e.message;
  const error = (e ?? {}) as Error & { cause?: { code?: string; message?: string }; code?: string };
  if (error.name === 'OutboundRefusedError') return error.message;
  const known = failureReason(e); // the disk is full, permission denied … or the general words
  if (known !== failureReason(null)) return known;
  const code = error.code ?? error.cause?.code;
  return typeof code === 'string' && NETWORK_CODE.test(code) ? `cannot reach the server: ${code}` : known;
}

/** Codes of a connection that failed (Node's, undici's, TLS's), as opposed to our own or the store's. */
const NETWORK_CODE =
  /^(E[A-Z]+|UND_ERR_[A-Z_]+|ERR_(TLS|SSL)_[A-Z_]+|CERT_[A-Z_]+|UNABLE_TO_[A-Z_]+|(DEPTH_ZERO_)?SELF_SIGNED_CERT[A-Z_]*)$/;
