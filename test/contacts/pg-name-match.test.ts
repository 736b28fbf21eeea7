/**
 * Which name searches PostgreSQL reads as "the name begins with it" (pgNameMatchIsPrefix): one
 * character, or two of which one may not be a word character to pg_trgm — its end patterns would have
 * no whole trigram, and GIN would read every entry.
 */
import { describe, expect, it } from 'vitest';
import { pgNameMatchIsPrefix } from '../../src/contacts/contact-search-sql.js';

describe('pgNameMatchIsPrefix', () => {
  it.each([
    ['王', true, 'one character: its end is no whole trigram'],
    ['j', true, 'one Latin letter'],
    ['秀英', false, 'two Han characters: a field or word beginning or end'],
    ['张伟', false, 'two Han characters'],
    ['sm', false, 'two Latin letters'],
    ['ß1', false, 'a letter and an ASCII digit'],
    ['жа', false, 'Cyrillic'],
    ['한국', false, 'Hangul'],
    ["o'", true, 'an apostrophe ends words'],
    ['a-', true, 'a hyphen ends words'],
    ['a❶', true, 'a circled digit is \\p{N} but no word character to pg_trgm'],
    ['a١', true, 'an Arabic-Indic digit is not known to be one'],
    ['王秀英', false, 'three characters: contains'],
  ])('%s → %s (%s)', (name, prefix) => {
    expect(pgNameMatchIsPrefix(name)).toBe(prefix);
  });
});
