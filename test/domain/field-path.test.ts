import { describe, expect, it } from 'vitest';
import { fieldPath, pathPartsIn } from '../../src/domain/field-path.js';

describe('fieldPath: how an error names a field inside the input', () => {
  it.each([
    [['name'], 'name'],
    [['actions', 0, 'to'], 'actions[0].to'],
    [['actions', 0, 'to', 1], 'actions[0].to[1]'],
    [['conditions', 'all', 2, 'any', 0, 'value'], 'conditions.all[2].any[0].value'],
    [['rules', 'blocking', 3, 1], 'rules.blocking[3][1]'],
    [['options', 'tags', 0], 'options.tags[0]'],
    [['records', 12], 'records[12]'],
    // An empty prefix adds nothing; a path already named goes on as it is.
    [['', 'events', 0], 'events[0]'],
    [['conditions.all[0]', 'value'], 'conditions.all[0].value'],
    [['additional_emails', 1], 'additional_emails[1]'],
    // A key that reads as a number is still a key (a column named "0"); only a position is a number.
    [['mapping', '0'], 'mapping.0'],
    [['mapping', 'First name'], 'mapping.First name'],
    [['identities', 'wechat_openid'], 'identities.wechat_openid'],
    [[0, 'name'], '[0].name'],
    [[], ''],
    [[''], ''],
  ] as const)('%j → %s', (parts, named) => {
    expect(fieldPath(...parts)).toBe(named);
  });

  it('names a symbol key by its description', () => {
    expect(fieldPath('a', Symbol('b'))).toBe('a.Symbol(b)');
  });
});

describe('pathPartsIn: a JSON pointer’s keys with the steps into lists made positions', () => {
  const input = { actions: [{ to: ['a@example.com', 'nope'] }], mapping: { '0': 'email' }, rows: [[1, 2]] };
  it.each([
    [['actions', '0', 'to', '1'], ['actions', 0, 'to', 1], 'actions[0].to[1]'],
    [['mapping', '0'], ['mapping', '0'], 'mapping.0'],
    [['rows', '0', '1'], ['rows', 0, 1], 'rows[0][1]'],
    // Past what the input holds nothing is known to be a list: keys stay keys.
    [['missing', '0'], ['missing', '0'], 'missing.0'],
    // Not a position: a list's own key (`length`), a number with a leading zero.
    [['actions', 'length'], ['actions', 'length'], 'actions.length'],
    [['actions', '01'], ['actions', '01'], 'actions.01'],
    [[], [], ''],
  ])('%j in the input → %j (%s)', (keys, parts, named) => {
    expect(pathPartsIn(input, keys)).toEqual(parts);
    expect(fieldPath(...pathPartsIn(input, keys))).toBe(named);
  });
});
