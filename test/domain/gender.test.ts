/** Gender values as customer lists write them, in English and Chinese. */
import { describe, expect, it } from 'vitest';
import { isNoGender, normalizeGender } from '../../src/domain/normalize/gender.js';

describe('normalizeGender', () => {
  it.each([
    ['male', 'male'],
    ['Male', 'male'],
    ['M', 'male'],
    ['m', 'male'],
    ['Ｍ', 'male'], // full-width, as typed with a Chinese input method
    ['Mr', 'male'],
    ['Mr.', 'male'],
    ['MR.', 'male'],
    ['男', 'male'],
    ['男性', 'male'],
    ['男士', 'male'],
    ['先生', 'male'],
    [' 男 ', 'male'],
    ['female', 'female'],
    ['F', 'female'],
    ['Mrs', 'female'],
    ['Mrs.', 'female'],
    ['Ms', 'female'],
    ['Ms.', 'female'],
    ['Miss', 'female'],
    ['女', 'female'],
    ['女性', 'female'],
    ['女士', 'female'],
    ['小姐', 'female'],
    ['other', 'other'],
    ['其他', 'other'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeGender(input)).toBe(expected);
  });

  it.each([
    '未知',
    '保密',
    '不详',
    'unknown',
    'Unknown',
    'n/a',
    'N/A',
    'NA',
    '-',
    'prefer not to say',
    'Dr.', // a salutation column (Salesforce, Zoho) mapped to gender
    'Prof.',
  ])('%j means no value, not an error', (input) => {
    expect(normalizeGender(input)).toBeNull();
    expect(isNoGender(input)).toBe(true);
  });

  it.each(['Agender', 'robot', '1', 'Mx'])('%j is refused, naming the field and the value', (input) => {
    expect(() => normalizeGender(input)).toThrow(
      `gender: must be one of male, female, other (got ${JSON.stringify(input)})`,
    );
    expect(isNoGender(input)).toBe(false);
  });
});
