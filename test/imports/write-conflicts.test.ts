import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  clashedValue,
  databaseFailure,
  MatchedContactGoneError,
  rowWriteFailure,
  writeConflictOf,
} from '../../src/imports/apply/write-conflicts.js';
import type { RowKeys } from '../../src/imports/match/match-row-to-contact.js';

/** Errors shaped as the drivers raise them: pg's DatabaseError (severity, SQLSTATE), better-sqlite3's. */
const pgError = (code: string, fields: Record<string, string> = {}) =>
  Object.assign(new Error(fields.message ?? 'database error'), { severity: 'ERROR', code, ...fields });
const sqliteError = (code: string, message: string) => Object.assign(new Error(message), { code });

const keys: RowKeys = {
  id: null,
  identities: { member_no: 'M-7' },
  phones: ['+8613800138000'],
  emails: ['a@example.com', 'b@example.com'],
};

describe('write conflicts of an import batch', () => {
  it.each([
    [pgError('23505'), 'unique'],
    [sqliteError('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: contact_emails.value'), 'unique'],
    [pgError('40P01'), 'deadlock'],
    [pgError('40001'), 'serialization'],
    [pgError('55P03'), 'busy'],
    [sqliteError('SQLITE_BUSY', 'database is locked'), 'busy'],
    [new MatchedContactGoneError('ct_1'), 'gone'],
    [pgError('23503'), null],
    [pgError('P0001'), null],
    [sqliteError('SQLITE_CONSTRAINT_TRIGGER', 'planted'), null],
    [new TypeError('x is undefined'), null],
    [null, null],
  ])('%s is a %s conflict', (error, kind) => {
    expect(writeConflictOf(error)).toBe(kind);
  });

  it('backs off at random below a doubling bound, at most a second', () => {
    expect(backoffMs(1, () => 0)).toBe(0);
    expect(backoffMs(1, () => 0.999)).toBe(49);
    expect(backoffMs(3, () => 0.999)).toBe(199);
    expect(backoffMs(12, () => 0.999)).toBe(999);
  });

  it('names the value a unique index refused: from PostgreSQL, else from the row', () => {
    expect(
      clashedValue(
        pgError('23505', { table: 'contact_emails', detail: 'Key (value)=(b@example.com) already exists.' }),
        keys,
      ),
    ).toEqual({ field: 'email', values: ['b@example.com'] });
    expect(
      clashedValue(
        pgError('23505', {
          table: 'contact_identities',
          detail: 'Key (type, value)=(member_no, M-7) already exists.',
        }),
        keys,
      ),
    ).toEqual({ field: 'identity member_no', values: ['M-7'] });
    expect(
      clashedValue(
        sqliteError('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: contact_emails.value'),
        keys,
      ),
    ).toEqual({ field: 'email', values: ['a@example.com', 'b@example.com'] });
    expect(
      clashedValue(
        sqliteError('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: contact_phones.value'),
        keys,
      ),
    ).toEqual({ field: 'phone', values: ['+8613800138000'] });
    expect(clashedValue(pgError('23505', { table: 'tags' }), keys)).toBeNull();
  });

  it('says why a row that kept colliding failed, naming the field and value', () => {
    expect(
      rowWriteFailure(
        pgError('23505', { table: 'contact_phones', detail: 'Key (value)=(+8613800138000) already exists.' }),
        keys,
      ),
    ).toBe(
      'phone "+8613800138000" could not be saved: another import or user was saving the same value at the same moment, and it still collided when retried alone; import this row again',
    );
    expect(rowWriteFailure(pgError('40P01'), keys)).toBe(
      'the row could not be saved: other imports or users were changing the same contact (identity member_no "M-7", phone "+8613800138000", email "a@example.com", email "b@example.com") at the same moment, and it still collided when retried alone; import this row again',
    );
  });

  it('describes a database failure in words, without the database’s own text', () => {
    expect(
      databaseFailure(pgError('57P01', { message: 'terminating connection due to administrator command' })),
    ).toBe('the connection to the database was lost');
    expect(databaseFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      'the database could not be reached',
    );
    expect(databaseFailure(new Error('Connection terminated unexpectedly'))).toBe(
      'the connection to the database was lost',
    );
    expect(databaseFailure(pgError('53100', { message: 'could not extend file' }))).toBe(
      'the database ran out of disk space or memory',
    );
    expect(databaseFailure(pgError('40P01', { message: 'deadlock detected' }))).toBe(
      'other imports or users kept writing the same contacts at the same moment',
    );
    expect(databaseFailure(pgError('42P01', { message: 'relation "x" does not exist' }))).toBe(
      'the database failed with error 42P01',
    );
    expect(databaseFailure(new Error('the file vanished'))).toBeNull();
    expect(databaseFailure(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toBeNull();
  });
});
