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
  // The values first (a quoted one wherever it stands), then the reasons parted outside quoted values,
  // which may hold "; " themselves.
  // Two reasons hold "; " themselves: taken apart from the rest first, values and all.
  const whole = error
    .replace(
      /: the contact already has "(?:[^"\\]|\\.)*"; the file's "(?:[^"\\]|\\.)*" was not imported/g,
      ": the contact already has another, so the file's was not imported",
    )
    .replace(/ when retried alone; import this row again/g, ' when retried alone, so import this row again');
  const reasons = reasonsOf(
    whole.replace(/\s*\(got "(?:[^"\\]|\\.)*"\)/g, '').replace(/\s*\(got .*?\)(?=;|$)/g, ''),
  );
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
          .replace(/^id: contact "(?:[^"\\]|\\.)*" not found$/, 'id: contact … not found')
          // A Tmall buyer's masked phone or nick, an identity the contact already holds, a value another
          // write was saving: the same reason whatever the value.
          .replace(/ "(?:[^"\\]|\\.)*" is masked/g, ' is masked')
          .replace(/: holds "(?:[^"\\]|\\.)*", which /g, ': holds a part which ')
          .replace(
            /^(\S+?) "(?:[^"\\]|\\.)*"(?:, "(?:[^"\\]|\\.)*")* could not be saved: /,
            '$1 could not be saved: ',
          )
          .replace(/the same contact \(.*\) at the same moment/, 'the same contact at the same moment')
          // One order's number is not part of the reason: the same reason for every order.
          // ("订单编号 is empty" has no number to leave out.)
          .replace(/订单编号 (?!is )\S+ /g, '订单编号 … '),
      ),
    ),
  ];
}

/**
 * Whether a reason (or its kind) is a value left out ("gender was not imported: …") rather than a
 * cause of failure: a failed row lists them beside the reason it failed, so that the file is fixed in
 * one go, but they never fail a row and are not counted among the reasons rows failed.
 */
export function isLeftOutValue(reason: string): boolean {
  return /^[^\s:;"]+ was not imported: /.test(reason);
}

/**
 * The kinds a failed row's reason counts under among the reasons rows fail: its causes, without the
 * values it would also leave out (see isLeftOutValue); all of them should it hold nothing else.
 */
export function failureKinds(error: string): string[] {
  const kinds = reasonKinds(error);
  const causes = kinds.filter((k) => !isLeftOutValue(k));
  return causes.length > 0 ? causes : kinds;
}

/** A row's reasons, joined with "; ", parted outside the quoted values. */
function reasonsOf(error: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < error.length; i++) {
    const c = error[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === ';' && error[i + 1] === ' ') {
      out.push(error.slice(start, i));
      start = i + 2;
    }
  }
  out.push(error.slice(start));
  return out;
}

/**
 * A row's reason without the file's values it quotes, once the import's files are deleted: each quoted
 * value becomes `"…"` (`phone: is not a valid phone number … (got "…")`), so the reason and the row's
 * number stay readable and nothing of the customer does. Pure; idempotent.
 */
export function withoutValues(reason: string): string {
  return reason.replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
}
