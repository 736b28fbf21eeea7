/**
 * Folds text for comparison: NFKD without combining marks (é → e, ß stays), lower case, every run of
 * characters that are neither letters nor digits becomes one space.
 */
export function foldLatin(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const HAN = /\p{Script=Han}/u;

export function containsHan(value: string): boolean {
  return HAN.test(value);
}
