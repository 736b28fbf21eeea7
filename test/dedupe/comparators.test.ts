import { describe, expect, it } from 'vitest';
import { addressComparator } from '../../src/dedupe/compare/address-comparator.js';
import type { Comparator } from '../../src/dedupe/compare/comparator.js';
import { dateComparator } from '../../src/dedupe/compare/date-comparator.js';
import { emailComparator } from '../../src/dedupe/compare/email-comparator.js';
import { identifierComparator } from '../../src/dedupe/compare/identifier-comparator.js';
import { nameComparator } from '../../src/dedupe/compare/name-comparator.js';
import { phoneComparator } from '../../src/dedupe/compare/phone-comparator.js';
import { soundex } from '../../src/dedupe/compare/soundex.js';
import { textComparator } from '../../src/dedupe/compare/text-comparator.js';
import { editDistanceWithin, jaroWinkler } from '../../src/dedupe/compare/string-similarity.js';
import { seededRandom } from '../../src/dedupe/model/seeded-random.js';
import { dayNumber } from '../../src/dedupe/compare/date-comparator.js';

function level(comparator: Comparator, a: string, b: string): string {
  const x = comparator.prepare(a);
  const y = comparator.prepare(b);
  if (x === null || y === null) return 'missing';
  return comparator.levels[comparator.compare(x, y)]!;
}

describe('string similarity', () => {
  it.each([
    ['martha', 'marhta', 0.961],
    ['dwayne', 'duane', 0.84],
    ['dixon', 'dicksonx', 0.813],
  ])('jaro-winkler(%s, %s) ≈ %f (the textbook values)', (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 3);
  });
  it('agrees with the plain definition on short strings (a word at a time) and long ones, any characters', () => {
    // Jaro-Winkler straight from its definition: each character of a takes the first unmatched equal one within the window.
    const reference = (a: string, b: string) => {
      const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
      const usedB = new Array<boolean>(b.length).fill(false);
      const fromA: string[] = [];
      for (let i = 0; i < a.length; i++) {
        for (let j = Math.max(0, i - window); j <= Math.min(b.length - 1, i + window); j++) {
          if (!usedB[j] && b[j] === a[i]) {
            usedB[j] = true;
            fromA.push(a[i]!);
            break;
          }
        }
      }
      const m = fromA.length;
      if (m === 0) return 0;
      const fromB = [...b].filter((_, j) => usedB[j]);
      const transpositions = fromA.filter((c, k) => c !== fromB[k]).length;
      const jaro = (m / a.length + m / b.length + (m - transpositions / 2) / m) / 3;
      let prefix = 0;
      while (prefix < Math.min(4, a.length, b.length) && a[prefix] === b[prefix]) prefix++;
      return jaro + prefix * 0.1 * (1 - jaro);
    };
    const random = seededRandom(11);
    // Few letters, so that characters repeat and windows fill; one of 31, 32 and 33 code units now and then.
    const word = (alphabet: string) =>
      Array.from(
        { length: random() < 0.2 ? 31 + Math.floor(random() * 3) : 1 + Math.floor(random() * 40) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('');
    for (let n = 0; n < 20_000; n++) {
      const alphabet = n % 3 === 0 ? 'ab' : n % 3 === 1 ? 'abcdeéz张伟' : 'abcdefghijklmnopqrstuvwxyz.@0123';
      const a = word(alphabet);
      const b =
        random() < 0.5
          ? word(alphabet)
          : a.slice(1, 1 + Math.floor(random() * a.length)) + word(alphabet).slice(0, 3);
      if (a === b) continue;
      expect(jaroWinkler(a, b)).toBe(reference(a, b));
    }
  });
  it('with a floor, answers exactly for every pair that reaches it and below it for the rest', () => {
    const random = seededRandom(7);
    const alphabet = 'abcdeéfgh张偉伟 .@';
    const word = () =>
      Array.from(
        { length: 1 + Math.floor(random() * 14) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('');
    let reached = 0;
    for (let n = 0; n < 20_000; n++) {
      const a = word();
      // Half the pairs are near-copies, so that both sides of every floor are exercised.
      const b = random() < 0.5 ? word() : a.slice(0, Math.floor(random() * a.length)) + word().slice(0, 2);
      const exact = jaroWinkler(a, b);
      for (const floor of [0.8, 0.88, 0.92]) {
        const bounded = jaroWinkler(a, b, floor);
        if (exact >= floor) {
          expect(bounded).toBe(exact);
          reached++;
        } else expect(bounded).toBeLessThan(floor);
      }
    }
    expect(reached).toBeGreaterThan(1000);
  });
  it('compares the beginnings of two strings, read in place, as it compares those beginnings cut out', () => {
    const random = seededRandom(5);
    const word = () =>
      Array.from(
        { length: 3 + Math.floor(random() * 12) },
        () => 'abcdeilmnorst.'[Math.floor(random() * 14)],
      ).join('');
    for (let n = 0; n < 5_000; n++) {
      const a = `${word()}@${word()}`;
      const b = random() < 0.5 ? `${word()}@${word()}` : `${a.slice(0, a.indexOf('@'))}x@${word()}`;
      const la = a.indexOf('@');
      const lb = b.indexOf('@');
      for (const floor of [0, 0.92]) {
        expect(jaroWinkler(a, b, floor, la, lb)).toBe(jaroWinkler(a.slice(0, la), b.slice(0, lb), floor));
      }
    }
  });
  it.each([
    ['19700101', 0],
    ['19691231', -1],
    ['20000229', 11016],
    ['19000229', Number.NaN],
    ['20240230', Number.NaN],
    ['20241301', Number.NaN],
    ['20240100', Number.NaN],
  ])('dayNumber(%s) = %d (days since 1970-01-01; NaN for no such day)', (digits, expected) => {
    expect(dayNumber(digits)).toBe(expected);
  });
  it('edit distance within a limit agrees with the plain definition on random near and far pairs', () => {
    // Optimal string alignment, straight from its definition.
    const osa = (a: string, b: string) => {
      const d = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
      );
      for (let i = 1; i <= a.length; i++)
        for (let j = 1; j <= b.length; j++) {
          const cost = a[i - 1] === b[j - 1] ? 0 : 1;
          d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
            d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
        }
      return d[a.length]![b.length]!;
    };
    const random = seededRandom(3);
    const pick = (chars: string, n: number) =>
      Array.from({ length: n }, () => chars[Math.floor(random() * chars.length)]).join('');
    for (let n = 0; n < 5000; n++) {
      const a = pick('0123456789张', 4 + Math.floor(random() * 6));
      const edits = Math.floor(random() * 4);
      let b = a;
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * (b.length + 1));
        const op = Math.floor(random() * 3);
        b =
          op === 0
            ? b.slice(0, at) + pick('0123456789', 1) + b.slice(at)
            : op === 1
              ? b.slice(0, at) + b.slice(at + 1)
              : b.slice(0, at) + pick('0123456789', 1) + b.slice(at + 1);
      }
      if (random() < 0.3) b = pick('0123456789', a.length);
      for (const limit of [1, 2])
        expect(editDistanceWithin(a, b, limit)).toBe(Math.min(osa(a, b), limit + 1));
    }
  });
  it('counts an adjacent transposition as one edit and stops at the limit', () => {
    expect(editDistanceWithin('19850302', '19850203', 2)).toBe(2);
    expect(editDistanceWithin('1234567', '1243567', 1)).toBe(1);
    expect(editDistanceWithin('abcdef', 'uvwxyz', 2)).toBe(3);
  });
  it('soundex groups spelling variants', () => {
    expect(soundex('allen')).toBe(soundex('alan'));
    expect(soundex('robert')).toBe('r163');
    expect(soundex('rupert')).toBe('r163');
  });
});

describe('name comparator', () => {
  it.each([
    ['Zhang Wei', 'zhang wei', 'exact'],
    ['José Núñez', 'Jose Nunez', 'exact'],
    ['张伟', '張偉', 'alias'],
    ['张伟', 'Zhang Wei', 'alias'],
    ['张伟', 'Wei Zhang', 'alias'],
    ['欧阳娜娜', 'Ouyang Nana', 'alias'],
    ['Bob', 'Robert', 'alias'],
    ['Liz', 'Elizabeth', 'alias'],
    ['Smith John', 'John Smith', 'alias'],
    ['Jonathan', 'Jonathon', 'one_edit_or_jaro_winkler_0.92'],
    ['Catherine', 'Katherine', 'alias'],
    ['J', 'John', 'jaro_winkler_0.80_or_initial'],
    ['Michael', 'Michelle', 'one_edit_or_jaro_winkler_0.92'],
    ['Ann', 'Annabel', 'jaro_winkler_0.80_or_initial'],
    ['Beverly Cruz', 'Biverly Cruz', 'one_edit_or_jaro_winkler_0.92'],
    ['Jack Grant', 'Jauk Grant', 'one_edit_or_jaro_winkler_0.92'],
    ['L Adams', 'Lauren Adams', 'jaro_winkler_0.80_or_initial'],
    ['Mary J. Blige', 'Mary Jane Blige', 'jaro_winkler_0.80_or_initial'],
    ['Jon', 'Jan', 'else'],
    ['W Ng', 'Wendy Ng', 'jaro_winkler_0.80_or_initial'],
    ['W Ng', 'Wendy Ho', 'else'],
    ['Anna', 'Zoe', 'else'],
    ['张伟', '李娜', 'else'],
  ])('%s vs %s → %s', (a, b, expected) => expect(level(nameComparator as Comparator, a, b)).toBe(expected));
});

describe('email comparator', () => {
  it.each([
    ['Wei@Example.com', 'wei@example.com', 'exact'],
    ['jon.smith@gmail.com', 'jonsmith@gmail.com', 'same_mailbox'],
    ['jon.smith+shop@googlemail.com', 'jon.smith@gmail.com', 'same_mailbox'],
    ['anna+news@outlook.com', 'anna@outlook.com', 'same_mailbox'],
    ['jon.smith@example.com', 'jonsmith@example.com', 'similar_address_or_local_part'],
    ['lina2024@qq.com', 'lina2024@163.com', 'same_local_part'],
    ['robert255@smith.net', 'roberta25@smith.net', 'similar_address_or_local_part'],
    ['mgean.reed61@yahoo.com', 'megan.reed61@example.com', 'similar_address_or_local_part'],
    ['info1@shop.com', 'info2@other.org', 'else'],
    ['james.smith12@gmail.com', 'james.smith45@yahoo.com', 'else'],
    ['james.smith12@gmail.com', 'james.smith21@yahoo.com', 'similar_address_or_local_part'],
    ['lina1988@qq.com', 'lina1989@qq.com', 'similar_address_or_local_part'],
    // A one- or two-digit number changed or lengthened is the next account of a common name, not a
    // typo; two of its digits swapped, or a digit dropped from a longer number, may be.
    ['zhangwei1@163.com', 'zhangwei2@163.com', 'else'],
    ['wang.fang12@qq.com', 'wang.fang13@qq.com', 'else'],
    ['user3@example.com', 'user23@example.com', 'else'],
    ['wang.fang12@qq.com', 'wang.fang21@qq.com', 'similar_address_or_local_part'],
    ['mary@example.com', 'zoe@other.org', 'else'],
    // The local part ends at a `+tag` wherever it is written.
    ['anna.lee+shop@example.com', 'anna.lee@other.org', 'same_local_part'],
    [
      'katherine.jones+newsletter2024@example.com',
      'katherin.jones@mail.org',
      'similar_address_or_local_part',
    ],
  ])('%s vs %s → %s', (a, b, expected) => expect(level(emailComparator as Comparator, a, b)).toBe(expected));
});

describe('phone comparator', () => {
  it.each([
    ['+8613800138001', '+8613800138001', 'exact'],
    ['+8613800138001', '13800138001', 'same_without_country_code'],
    ['02 6909 6869', '+61 2 6909 6869', 'same_without_country_code'],
    ['+8613800138001', '+8613800138011', 'one_edit'],
    // One edit in the last eight digits: two neighbours swapped; in short numbers a digit left out.
    ['+8613800138001', '+8613800138010', 'one_edit'],
    ['+8613800138001', '+8613800183010', 'else'],
    ['690 9686', '690 986', 'one_edit'],
    ['690 9686', '6909 6886', 'one_edit'],
    // Longer numbers are compared on their last eight digits, which a left-out digit shifts.
    ['+8613800138001', '+861380013801', 'else'],
    ['+8613800138001', '+8613912345678', 'else'],
    // Whole numbers sharing their last eight digits only: another carrier's mobile, another city's line.
    ['+8613847400271', '+8613947400271', 'else'],
    ['+86 21 6909 6869', '+86 10 6909 6869', 'else'],
    ['0086 138 4740 0271', '+86 138 4740 0271', 'same_without_country_code'],
    ['', '13800138001', 'missing'],
  ])('%s vs %s → %s', (a, b, expected) => expect(level(phoneComparator as Comparator, a, b)).toBe(expected));
});

describe('date comparator', () => {
  it.each([
    ['1990-05-06', '19900506', 'exact'],
    ['2024/5/1', '2024-05-01', 'exact'],
    ['1990年5月6日', '1990-05-06', 'exact'],
    ['1990-05-06', '1990-06-05', 'one_edit_or_day_month_swapped'],
    ['1990-05-06', '1991-05-06', 'one_edit_or_day_month_swapped'],
    ['1985-03-02', '1958-03-02', 'one_edit_or_day_month_swapped'],
    ['1985-03-02', '1988-03-12', 'two_edits'],
    ['1990-05-06', '1990-11-20', 'within_1_year'],
    ['1990-05-06', '1983-11-20', 'within_10_years'],
    ['1990-05-06', '1970-12-25', 'else'],
    ['19162429', '19162429', 'exact'],
    ['not a date', '1990-05-06', 'missing'],
    // The year alone: never more than "within a year", even against the same year alone.
    ['1990', '1990-05-06', 'within_1_year'],
    ['1990', '1990', 'within_1_year'],
    ['1990', '1985-05-06', 'within_10_years'],
    ['1990', '1970', 'else'],
  ])('%s vs %s → %s', (a, b, expected) => expect(level(dateComparator as Comparator, a, b)).toBe(expected));
});

describe('text comparator (companies, cities)', () => {
  it.each([
    ['ACME Trading Co.', 'acme trading co', 'exact'],
    ['Abraham Lincoln Centre - Donoghue', 'Abraham Lincoln Center Donoghue', 'jaro_winkler_0.92'],
    ['Jenner', 'Chicago Public Schools Jenner Academy of the Arts, Edward', 'words_contained'],
    ['Lasalle Lang Acad', 'LaSalle Language Academy', 'jaro_winkler_0.80'],
    ['Leeds', 'Shanghai', 'else'],
  ])('%s vs %s → %s', (a, b, expected) => expect(level(textComparator as Comparator, a, b)).toBe(expected));
  it('counts words that are rare in the column once it is fitted, not common ones', () => {
    const column = [
      'Tiny Tot Villa',
      'Chicago State University Tiny Tots Villa',
      'Chicago Public Schools Beethoven',
      'Chicago Public Schools Bethune',
      'Chicago Public Schools Jenner',
      'Chicago Public Schools Mason',
      'Chicago Commons Guadalupano',
      'Henry Booth House',
    ].map((v) => textComparator.prepare(v)!);
    const levelOf = (a: number, b: number) =>
      textComparator.levels[textComparator.compare(column[a]!, column[b]!)];
    // Unfitted, the two forms of one name have nothing but a few words in common.
    expect(levelOf(0, 1)).not.toBe('rare_words_shared');
    textComparator.fitColumn!(column);
    expect(levelOf(0, 1)).toBe('rare_words_shared');
    // Three words in common, all of them common: no more than their spelling says.
    expect(levelOf(2, 4)).not.toBe('rare_words_shared');
    expect(levelOf(4, 6)).not.toBe('rare_words_shared');
  });
  it('blocks on the Soundex of the longest word', () => {
    const key = (s: string) => textComparator.phoneticKey!(textComparator.prepare(s)!);
    expect(key('1119 N Cleveland')).toBe(key('1009 N. Clevland'));
  });
});

describe('address and identifier comparators', () => {
  it.each([
    ['7 Wallaby Place', '7 wallaby place', 'exact'],
    ['pridham street', 'pridhamstreet', 'exact'],
    ['Flat 2, 10 Downing Street', '10 Downing Street Flat 2', 'close'],
    ['浙江省杭州市西湖区文三路 90 号', '杭州市西湖区文三路90号', 'close'],
    ['7 Wallaby Place', '120 Queen Street', 'else'],
  ])('%s vs %s → %s', (a, b, expected) =>
    expect(level(addressComparator as Comparator, a, b)).toBe(expected),
  );
  it.each([
    ['1804974', '1804974', 'exact'],
    ['1804974', '1804947', 'one_edit'],
    ['AB-123-456', 'ab123456', 'exact'],
    ['1804974', '1840947', 'two_edits'],
    ['1804974', '6089216', 'else'],
  ])('%s vs %s → %s', (a, b, expected) =>
    expect(level(identifierComparator as Comparator, a, b)).toBe(expected),
  );
});

describe('address street key (address:street blocking)', () => {
  it.each([
    ['4000 W. Division St', '4000 West Division', true],
    ['30 East 61st Street', '30 E. 61St', true],
    ['124 E 113 ST', '124 E 113th St', true],
    ['78 West Van Buren Floor 1', '78 W Van Buren Street', true],
    ['8938-40 S. Cottage Grove', '8938 S Cottage Grove', true],
    ['4000 W. Division St', '4010 W. Division St', false],
    ['231 Park Avenue', '231 Mill Road', false],
  ])('%s / %s → same key: %s', (a, b, same) => {
    const key = (s: string) => addressComparator.streetKey!(addressComparator.prepare(s)!);
    expect(key(a)).not.toBeNull();
    expect(key(a) === key(b)).toBe(same);
  });
  it('has no key without a house number, or for Chinese addresses', () => {
    const key = (s: string) => addressComparator.streetKey!(addressComparator.prepare(s)!);
    expect(key('Division Street')).toBeNull();
    expect(key('杭州市西湖区文三路90号')).toBeNull();
  });
});
