/**
 * A row's reason as a kind shared by every row failing for the same cause: the value and the other
 * rows' numbers are left out ("phone: is not a valid phone … (got "12345")" → "phone: is not a valid
 * phone …"), so reasons can be counted. Pure.
 */
export function reasonKind(error: string): string {
  return reasonKinds(error)[0] ?? error;
}

/**
 * Every reason of a row as its kind, each once: a row failing for its phone and its e-mail counts
 * under both ("phone: …; email: …"), not under its first reason alone.
 */
export function reasonKinds(error: string): string[] {
  // The values first: one may hold "; ", which parts the reasons.
  const reasons = error.replace(/\s*\(got .*?\)(?=;|$)/g, '').split('; ');
  return [
    ...new Set(
      reasons.map((reason) =>
        reason
          .replace(/rows? \d+(?:, \d+)*/g, 'other rows')
          // "the same email "a@b.c" is also on …", "… which has the same phone "+86…"": the value apart.
          .replace(/(the same .*?)(?= is also on|$)/, (keys: string) =>
            keys.replace(/ "(?:[^"\\]|\\.)*"/g, ''),
          )
          // A value another contact owns: the value and both contacts apart ("phone belongs to another
          // contact", "identity wechat_openid belongs to another contact").
          .replace(
            /^(?:the row matched contact \S+ but )?(?:(phone|email) "(?:[^"\\]|\\.)*"|identity (.+?)) belongs to another contact \S+$/,
            (_all: string, field: string | undefined, identities: string | undefined) =>
              `${field ?? `identity ${identities!.replace(/ "(?:[^"\\]|\\.)*"/g, '')}`} belongs to another contact`,
          )
          .replace(/^(the row's identities belong to different contacts): .*$/, '$1')
          // One order's number is not part of the reason: the same reason for every order.
          // ("订单编号 is empty" has no number to leave out.)
          .replace(/订单编号 (?!is )\S+ /g, '订单编号 … '),
      ),
    ),
  ];
}

/**
 * A row's reason without the file's values it quotes, once the import's files are deleted: each quoted
 * value becomes `"…"` (`phone: is not a valid phone number … (got "…")`), so the reason and the row's
 * number stay readable and nothing of the customer does. Pure; idempotent.
 */
export function withoutValues(reason: string): string {
  return reason.replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
}
