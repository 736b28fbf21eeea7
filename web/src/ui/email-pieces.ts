/**
 * Where a long e-mail address may wrap: before its "@", before each dot and before a "+" tag, as style
 * guides break addresses, so a narrow column shows "wang.xiaoming / @support / .example.com" and never
 * "wang.xiaom / ing@sup…". Each piece keeps its characters together.
 */
export function emailPieces(address: string): string[] {
  return address.split(/(?=[@.+])/).filter((piece) => piece !== '');
}
