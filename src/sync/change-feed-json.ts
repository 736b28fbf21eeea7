/**
 * A page of the change feed written as JSON bytes (pure): the same value as
 * `JSON.stringify(page)`, with each contact's keys in the order of the Contact schema, written
 * straight into a Buffer. Both halves of the usual path were most of the API's cost per entry:
 * JSON.stringify of about 870 bytes, then UTF-8 encoding of the result — one Chinese name makes the
 * whole page a two-byte string, and encoding that is several times slower than copying one-byte text.
 * Here the text is gathered as plain ASCII and copied with latin-1 (a byte per character); only a
 * string that holds other characters is encoded as UTF-8, on its own.
 */
import { type Contact, CONTACT_KEYS } from '../domain/contact/contact-fields.js';
import { Utf8Run } from '../exports/utf8-run.js';
import type { ChangeFeedEntry, ChangeFeedPage } from './change-feed.js';

/** Printable ASCII that JSON writes as it is (no quote, backslash or control character). */
const NOT_PLAIN_ASCII = /[^\u0020-\u0021\u0023-\u005b\u005d-\u007e]/;
// eslint-disable-next-line no-control-regex -- the complement of ASCII, control characters included
const NOT_ASCII = /[^\u0000-\u007f]/;

/** Flushing the gathered text now and then keeps the strings short (and their flattening cheap). */
const FLUSH_AT = 16_384;

class JsonBytes {
  private readonly run: Utf8Run;
  /** ASCII text not yet copied into the run. */
  private pending = '';

  constructor(capacity: number) {
    this.run = new Utf8Run(capacity);
  }

  /** Text known to be ASCII and valid JSON where it stands (punctuation, keys, numbers). */
  raw(text: string): void {
    this.pending += text;
    if (this.pending.length >= FLUSH_AT) this.flush();
  }

  /** A string value, quoted and escaped as JSON.stringify does. */
  string(text: string): void {
    if (!NOT_PLAIN_ASCII.test(text)) {
      this.pending += '"' + text + '"';
      return;
    }
    const quoted = JSON.stringify(text); // escapes quotes, controls and lone surrogates (to ASCII)
    if (!NOT_ASCII.test(quoted)) return this.raw(quoted);
    this.flush();
    this.run.append(quoted);
  }

  /** Any JSON value of a contact or an entry: null, a string, a number, a boolean, a string list. */
  value(value: unknown): void {
    if (typeof value === 'string') this.string(value);
    else if (value === null) this.raw('null');
    else if (Array.isArray(value)) {
      this.raw('[');
      for (let i = 0; i < value.length; i++) {
        if (i > 0) this.raw(',');
        this.value(value[i]);
      }
      this.raw(']');
    } else if (typeof value === 'object') this.object(value as Record<string, unknown>);
    else this.raw(JSON.stringify(value) ?? 'null'); // a number (NaN and ±Infinity as null) or a boolean
  }

  /** An object of user keys (identities, attributes) in its own key order. */
  object(record: Record<string, unknown>): void {
    this.raw('{');
    let first = true;
    for (const key in record) {
      const value = record[key];
      if (value === undefined) continue;
      if (!first) this.raw(',');
      first = false;
      this.string(key);
      this.raw(':');
      this.value(value);
    }
    this.raw('}');
  }

  bytes(): Buffer {
    this.flush();
    return this.run.take();
  }

  private flush(): void {
    if (this.pending === '') return;
    this.run.appendAscii(this.pending);
    this.pending = '';
  }
}

/** Each key as written: first, after another, and after another with a null value. */
const CONTACT_MEMBERS = CONTACT_KEYS.map((key) => ({
  key,
  first: `"${key}":`,
  next: `,"${key}":`,
  nextNull: `,"${key}":null`,
}));

function writeContact(out: JsonBytes, contact: Contact): void {
  let first = true;
  out.raw('{');
  for (const member of CONTACT_MEMBERS) {
    const value = contact[member.key];
    if (value === undefined) continue; // as JSON.stringify: no member
    if (first) out.raw(member.first);
    else if (value === null) {
      out.raw(member.nextNull);
      continue;
    } else out.raw(member.next);
    first = false;
    out.value(value);
  }
  out.raw('}');
}

function writeEntry(out: JsonBytes, entry: ChangeFeedEntry): void {
  // Cursor, ids, hash and time are Kith's own ASCII; the rest may be anything.
  out.raw(`{"cursor":"${entry.cursor}","contact_id":`);
  out.string(entry.contact_id);
  out.raw(`,"kind":"${entry.kind}","changed_fields":`);
  out.value(entry.changed_fields);
  out.raw(`,"hash":"${entry.hash}","origin":`);
  out.string(entry.origin);
  out.raw(',"at":');
  out.string(entry.at);
  out.raw(',"survivor_id":');
  out.value(entry.survivor_id);
  if (entry.contact !== undefined) {
    out.raw(',"contact":');
    if (entry.contact === null) out.raw('null');
    else writeContact(out, entry.contact);
  }
  if (entry.contact_state !== undefined) {
    out.raw(',"contact_state":');
    out.value(entry.contact_state);
  }
  out.raw('}');
}

/** The page as `application/json` bytes: `{"data":[…],"next_cursor":…,"has_more":…}`. */
export function changeFeedPageJson(page: ChangeFeedPage): Buffer {
  const out = new JsonBytes(Math.max(4096, page.data.length * 1024));
  out.raw('{"data":[');
  for (let i = 0; i < page.data.length; i++) {
    if (i > 0) out.raw(',');
    writeEntry(out, page.data[i]!);
  }
  out.raw('],"next_cursor":');
  out.string(page.next_cursor);
  out.raw(`,"has_more":${page.has_more}}`);
  return out.bytes();
}
