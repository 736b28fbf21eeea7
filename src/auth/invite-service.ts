/**
 * Invitations: an admin invites an e-mail address with a role; Kith e-mails a one-time link
 * (`/invite#token=…`, valid 7 days) through SMTP_URL, or, without a mailer, hands the link to the admin
 * to pass on. Whoever opens it chooses a name and password and becomes that user. Only the token's
 * sha256 is stored (like setup tokens); a resend issues a new token, so the old link stops working.
 * Tokens carry 256 random bits, so guessing one is not a concern worth throttling.
 */
import type { Actor } from '../domain/actor.js';
import { ConflictError, KithError, NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { normalizeEmail } from '../domain/normalize/email.js';
import { appendAuditEntry } from '../history/audit-log.js';
import type { Mailer } from '../notifications/mailer.js';
import { isUniqueViolation } from '../store/database.js';
import type { UserInvitesTable } from '../store/schema.js';
import { nowIso, type Queryable } from '../store/transaction.js';
import { newSecret, sha256 } from './secrets.js';
import { assertPassword, type Role, ROLES, type User, UserService } from './user-service.js';

export const INVITE_VALID_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export type InviteStatus = 'pending' | 'expired';

export interface Invite {
  id: string;
  email: string;
  role: Role;
  invited_by: string | null;
  created_at: string;
  /** When the last e-mail went out; null when none was (no SMTP, or sending failed). */
  sent_at: string | null;
  expires_at: string;
  status: InviteStatus;
}

/** What the admin gets back from an invite or a resend. */
export interface IssuedInvite {
  invite: Invite;
  /** Whether the e-mail went out. */
  sent: boolean;
  /** The link, for the admin to pass on, when it was not e-mailed (no SMTP_URL, or sending failed). */
  link: string | null;
  /** Why sending failed, when it did. */
  mail_error: string | null;
}

/** 410 `invite_invalid`: the link was never valid, was used, revoked or replaced, or has expired. */
export class InviteInvalidError extends KithError {
  constructor() {
    super(
      'invite_invalid',
      'this invitation link is not valid: it was used, revoked or replaced by a newer one, or it has expired; ask an administrator for a new invitation',
      410,
    );
  }
}

export type InviteLanguage = 'en' | 'zh';

/** The invitation e-mail, in the inviting admin's language. Pure, so its wording is tested alone. */
export function inviteMail(
  link: string,
  role: string,
  expiresAt: string,
  inviter: string | null,
  language: InviteLanguage,
): { subject: string; text: string } {
  const until = expiresAt.slice(0, 10);
  if (language === 'zh') {
    return {
      subject: '邀请您加入 Kith',
      text: `${inviter ?? '管理员'}邀请您以${role === 'admin' ? '管理员' : '客服'}身份加入 Kith。\n\n打开以下链接，设置您的姓名和密码：\n${link}\n\n链接只能使用一次，${until}（UTC）前有效。如果您没有预料到这封邮件，忽略即可。\n`,
    };
  }
  return {
    subject: 'You are invited to Kith',
    text: `${inviter ?? 'An administrator'} invited you to Kith as ${role === 'admin' ? 'an administrator' : 'an agent'}.\n\nOpen this link to choose your name and password:\n${link}\n\nThe link works once, until ${until} (UTC). If you did not expect this e-mail, ignore it.\n`,
  };
}

export function inviteLink(base: string, token: string): string {
  return `${base.replace(/\/+$/, '')}/invite#token=${token}`;
}

function toInvite(row: UserInvitesTable, now: number): Invite {
  return {
    id: row.id,
    email: row.email,
    role: row.role as Role,
    invited_by: row.invited_by,
    created_at: row.created_at,
    sent_at: row.sent_at,
    expires_at: row.expires_at,
    status: Date.parse(row.expires_at) > now ? 'pending' : 'expired',
  };
}

export class InviteService {
  constructor(
    private readonly db: Queryable,
    private readonly mailer: Mailer | null,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether invitations are e-mailed (SMTP_URL is set) or handed to the admin as a link. */
  get mails(): boolean {
    return this.mailer !== null;
  }

  /** Invitations not yet accepted or revoked (expired ones too, to resend), newest first. */
  async list(): Promise<Invite[]> {
    const rows = await this.db
      .selectFrom('user_invites')
      .selectAll()
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .orderBy('id', 'desc')
      .execute();
    const now = this.now();
    return rows.map((r) => toInvite(r, now));
  }

  private async open(id: string): Promise<UserInvitesTable> {
    const row = await this.db
      .selectFrom('user_invites')
      .selectAll()
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('invite', id);
    return row;
  }

  /**
   * Invites `email` as `role`. Refused when a user has that e-mail (409, naming the user) or an open
   * invitation to it exists (409, naming the invitation: resend it instead).
   */
  /** The invitation of this address still waiting to be accepted, if any (at most one: migration 0034). */
  private async pendingInviteId(email: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('user_invites')
      .select('id')
      .where('email', '=', email)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row?.id;
  }

  async invite(
    input: { email?: unknown; role?: unknown },
    actor: Actor,
    linkBase: string,
    language: InviteLanguage = 'en',
  ): Promise<IssuedInvite> {
    if (typeof input.email !== 'string')
      throw new ValidationError('email', input.email ?? null, 'must be an e-mail address');
    const email = normalizeEmail(input.email);
    const role = typeof input.role === 'string' ? input.role : '';
    if (!(ROLES as readonly string[]).includes(role))
      throw new ValidationError('role', input.role ?? null, `must be one of ${ROLES.join(', ')}`);
    const existing = await new UserService(this.db).findByEmail(email);
    if (existing) throw new ConflictError('email', email, existing.id, 'user');
    const open = await this.pendingInviteId(email);
    if (open) throw new ConflictError('email', email, open, 'invitation (resend it instead)');
    const token = newSecret('inv_');
    const at = new Date(this.now());
    const row: UserInvitesTable = {
      id: newId('userInvite'),
      email,
      role,
      token_hash: sha256(token),
      invited_by: actor.userId,
      created_at: at.toISOString(),
      sent_at: null,
      expires_at: new Date(at.getTime() + INVITE_VALID_DAYS * DAY_MS).toISOString(),
      accepted_at: null,
      accepted_user_id: null,
      revoked_at: null,
    };
    try {
      await this.db.insertInto('user_invites').values(row).execute();
    } catch (e) {
      // Invited at the same time by another request: the unique index on pending invitations refused it.
      if (!isUniqueViolation(e)) throw e;
      const holder = await this.pendingInviteId(email);
      throw new ConflictError('email', email, holder ?? '', 'invitation (resend it instead)');
    }
    await appendAuditEntry(this.db, {
      entityType: 'invite',
      entityId: row.id,
      action: 'created',
      changes: [
        { field: 'email', old: null, new: email },
        { field: 'role', old: null, new: role },
      ],
      actor,
      at: row.created_at,
    });
    return this.deliver(row, token, linkBase, language);
  }

  /** A new link (the old one stops working) valid another 7 days, sent again. */
  async resend(
    id: string,
    actor: Actor,
    linkBase: string,
    language: InviteLanguage = 'en',
  ): Promise<IssuedInvite> {
    const before = await this.open(id);
    const token = newSecret('inv_');
    const expires = new Date(this.now() + INVITE_VALID_DAYS * DAY_MS).toISOString();
    await this.db
      .updateTable('user_invites')
      .set({ token_hash: sha256(token), expires_at: expires })
      .where('id', '=', id)
      .execute();
    await appendAuditEntry(this.db, {
      entityType: 'invite',
      entityId: id,
      action: 'resent',
      changes: [{ field: 'expires_at', old: before.expires_at, new: expires }],
      actor,
    });
    return this.deliver(
      { ...before, token_hash: sha256(token), expires_at: expires },
      token,
      linkBase,
      language,
    );
  }

  async revoke(id: string, actor: Actor): Promise<void> {
    const before = await this.open(id);
    // Only while still pending: the same revoke sent at once is answered 404 (revoked), not audited twice.
    const revoked = await this.db
      .updateTable('user_invites')
      .set({ revoked_at: nowIso() })
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(revoked.numUpdatedRows) === 0) throw new NotFoundError('invite', id);
    await appendAuditEntry(this.db, {
      entityType: 'invite',
      entityId: id,
      action: 'revoked',
      changes: [{ field: 'email', old: before.email, new: null }],
      actor,
    });
  }

  /** What the invitation page shows before the invitee chooses a password. */
  async describe(token: string): Promise<{ email: string; role: Role; expires_at: string }> {
    const row = await this.usable(token);
    return { email: row.email, role: row.role as Role, expires_at: row.expires_at };
  }

  /**
   * The invitee becomes a user with the invited e-mail and role, and the name and password they chose.
   * Single use: the invitation is claimed before the user is made, and given back if that fails.
   */
  async accept(token: string, input: { name?: string | null; password?: unknown }): Promise<User> {
    const row = await this.usable(token);
    assertPassword(input.password);
    const at = nowIso();
    const claimed = await this.db
      .updateTable('user_invites')
      .set({ accepted_at: at })
      .where('id', '=', row.id)
      .where('token_hash', '=', row.token_hash)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new InviteInvalidError();
    let user: User;
    try {
      user = await new UserService(this.db).create(
        { email: row.email, password: input.password, role: row.role, name: input.name ?? null },
        { userId: null, channel: 'ui', channelRef: row.id },
      );
    } catch (e) {
      try {
        await this.db
          .updateTable('user_invites')
          .set({ accepted_at: null })
          .where('id', '=', row.id)
          .execute();
      } catch (undo) {
        // The address was invited again meanwhile: that newer invitation is the pending one.
        if (!isUniqueViolation(undo)) throw undo;
      }
      throw e;
    }
    await this.db
      .updateTable('user_invites')
      .set({ accepted_user_id: user.id })
      .where('id', '=', row.id)
      .execute();
    await appendAuditEntry(this.db, {
      entityType: 'invite',
      entityId: row.id,
      action: 'accepted',
      changes: [{ field: 'user_id', old: null, new: user.id }],
      actor: { userId: user.id, channel: 'ui' },
      at,
    });
    return user;
  }

  private async usable(token: string): Promise<UserInvitesTable> {
    if (typeof token !== 'string' || !token) throw new InviteInvalidError();
    const row = await this.db
      .selectFrom('user_invites')
      .selectAll()
      .where('token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!row || row.accepted_at || row.revoked_at || Date.parse(row.expires_at) <= this.now())
      throw new InviteInvalidError();
    return row;
  }

  private async deliver(
    row: UserInvitesTable,
    token: string,
    linkBase: string,
    language: InviteLanguage,
  ): Promise<IssuedInvite> {
    const link = inviteLink(linkBase, token);
    let sent = false;
    let mailError: string | null = null;
    if (this.mailer) {
      const inviter = row.invited_by
        ? await this.db
            .selectFrom('users')
            .select(['name', 'email'])
            .where('id', '=', row.invited_by)
            .executeTakeFirst()
        : undefined;
      const mail = inviteMail(
        link,
        row.role,
        row.expires_at,
        inviter ? (inviter.name ?? inviter.email) : null,
        language,
      );
      try {
        await this.mailer.send({ to: row.email, ...mail });
        sent = true;
      } catch (e) {
        mailError = `the e-mail could not be sent (${e instanceof Error ? e.message : String(e)}); pass the link on yourself or resend later`;
      }
    }
    const sentAt = sent ? nowIso() : null;
    if (sent)
      await this.db.updateTable('user_invites').set({ sent_at: sentAt }).where('id', '=', row.id).execute();
    return {
      invite: toInvite({ ...row, sent_at: sent ? sentAt : row.sent_at }, this.now()),
      sent,
      link: sent ? null : link,
      mail_error: mailError,
    };
  }
}
