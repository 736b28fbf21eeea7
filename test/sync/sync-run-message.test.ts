/** What a failed sync run tells people: our own words, a network failure by its cause, never a library's internals. */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import { messageOf } from '../../src/sync/carddav/carddav-sync-run.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const fetchFailed = (code: string) =>
  Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code }) });

describe('a failed sync run in words', () => {
  it.each([
    [new ValidationError('url', 'x', 'is not an address'), 'url: is not an address (got "x")'],
    [fetchFailed('ECONNREFUSED'), 'cannot reach the server: ECONNREFUSED'],
    [fetchFailed('UND_ERR_CONNECT_TIMEOUT'), 'cannot reach the server: UND_ERR_CONNECT_TIMEOUT'],
    [fetchFailed('DEPTH_ZERO_SELF_SIGNED_CERT'), 'cannot reach the server: DEPTH_ZERO_SELF_SIGNED_CERT'],
    [
      withCode("ENOSPC: no space left on device, write '/srv/kith/kith.sqlite'", 'ENOSPC'),
      'the disk is full',
    ],
    [
      withCode('database disk image is malformed', 'SQLITE_CORRUPT'),
      'an internal error stopped it; it has been logged',
    ],
    // A library tripping over what a server sent: its words stay in the log.
    [
      new TypeError("Cannot read properties of undefined (reading 'href')"),
      'an internal error stopped it; it has been logged',
    ],
    ['a thrown string', 'an internal error stopped it; it has been logged'],
    [null, 'an internal error stopped it; it has been logged'],
  ])('%s → %s', (error, words) => {
    expect(messageOf(error)).toBe(words);
  });
});
