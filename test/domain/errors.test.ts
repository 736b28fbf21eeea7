import { describe, expect, it } from 'vitest';
import { failureReason, KithError, shownValue, ValidationError } from '../../src/domain/errors.js';

const systemError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('failureReason: why background work failed, as its owner may read it', () => {
  it.each([
    [new ValidationError('filters.tag', 'x', 'no such tag'), 'filters.tag: no such tag (got "x")'],
    [new KithError('export_expired', 'export ex_1 has expired', 410), 'export ex_1 has expired'],
    [
      systemError('ENOSPC', "ENOSPC: no space left on device, write '/srv/kith/exports/ex_1.part'"),
      'the disk is full',
    ],
    [
      systemError('EACCES', "EACCES: permission denied, open '/srv/kith/exports/ex_1.part'"),
      'permission denied',
    ],
    [systemError('EROFS', 'EROFS: read-only file system'), 'the file system is read-only'],
    [
      systemError('SQLITE_CORRUPT', 'database disk image is malformed'),
      'an internal error stopped it; it has been logged',
    ],
    [
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      'an internal error stopped it; it has been logged',
    ],
    [new RangeError('Invalid string length'), 'an internal error stopped it; it has been logged'],
    ['a thrown string', 'an internal error stopped it; it has been logged'],
    [null, 'an internal error stopped it; it has been logged'],
  ])('%s → %s', (error, reason) => {
    expect(failureReason(error)).toBe(reason);
  });
});

describe('shownValue: a value as an error message quotes it', () => {
  it.each([
    ['张伟', '"张伟"'],
    [12, '12'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NaN, 'NaN'],
    [null, 'null'],
    [undefined, 'undefined'],
    [['a', 1], '["a",1]'],
    // Every control character escaped, the ones JSON leaves (DEL, C1) too.
    ['VIP\u0007', '"VIP\\u0007"'],
    ['a\u001bb', '"a\\u001bb"'],
    ['del\u007f', '"del\\u007f"'],
    ['next\u0085line', '"next\\u0085line"'],
  ])('%s → %s', (value, shown) => {
    expect(shownValue(value)).toBe(shown);
  });
});
