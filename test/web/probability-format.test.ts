import { describe, expect, it } from 'vitest';

// Loaded by path, as test/web/i18n-keys.test.ts explains.
const web = '../../web/src';
const { formatProbability } = (await import(`${web}/ui/probability-format.ts`)) as {
  formatProbability: (probability: number, locale: string) => string;
};

describe('a duplicate score as a percentage', () => {
  it.each([
    [0.9731, '97.3%', '97.3%'],
    [0.5, '50%', '50%'],
    [0.999, '99.9%', '99.9%'],
    // Short of certain never reads as certain, nor a chance as none.
    [0.99996, '>99.9%', '>99.9%'],
    [0.9995, '>99.9%', '>99.9%'],
    [1, '100%', '100%'],
    [0.00004, '<0.1%', '<0.1%'],
    [0, '0%', '0%'],
  ])('%s reads %s in English and %s in Chinese', (probability, english, chinese) => {
    expect(formatProbability(probability, 'en-GB')).toBe(english);
    expect(formatProbability(probability, 'zh-CN')).toBe(chinese);
  });
});
