/**
 * The customer's own identifiers (e-mail, phone, an identity type) a pair holds wholly different: the
 * server never bands such a pair `match` (src/dedupe/model/pair-band.ts), and the compare screen says why.
 */
export function differingIdentifiers(explanation: readonly { field: string; level: string }[]): string[] {
  return explanation
    .filter(
      (c) =>
        (c.field === 'email' || c.field === 'phone' || c.field.startsWith('identity.')) && c.level === 'else',
    )
    .map((c) => c.field);
}
