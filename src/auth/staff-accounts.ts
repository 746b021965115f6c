import type { Db } from '../db/database.ts';
import { AppError } from '../lib/app-error.ts';
import { type Actor, createUser, type NewUser, type UserSummary } from '../organizations/index.ts';
import { mayDo } from '../policy/index.ts';
import { passwordProblems } from './passwords.ts';
import { type RevokedCredentials, revokeCredentials } from './sessions.ts';
import { setPassword, weakPassword } from './sign-in.ts';

const forbidden = (what: string) => new AppError('AUTH_ERR_FORBIDDEN', 403, `Only an administrator may ${what}`);

/**
 * A staff account with its first password. The password is checked before the account exists, so a refused
 * password never leaves an account nobody can sign in to.
 */
export async function createStaffAccount(
  db: Db,
  actor: Actor | 'bootstrap',
  input: NewUser & { password: string },
  now: Date,
): Promise<UserSummary> {
  const problems = passwordProblems(input.password, input.username);
  if (problems.length) throw weakPassword(problems);
  const { password, ...account } = input;
  const created = await createUser(db, actor, account);
  await setPassword(db, created.id, created.username, password, now);
  return created;
}

/** An administrator sets someone's password; every session and token of theirs ends. */
export async function resetPassword(
  db: Db,
  actor: Actor,
  user: { id: string; username: string },
  password: string,
  now: Date,
): Promise<RevokedCredentials> {
  if (!mayDo(actor, 'users.manage')) throw forbidden("reset a user's password");
  return setPassword(db, user.id, user.username, password, now);
}

/**
 * Disables an account (no more sign-in; its sessions end and its tokens are revoked) or enables it again.
 * Nobody disables themselves: the last administrator could otherwise lock everyone out.
 */
export async function setAccountDisabled(
  db: Db,
  actor: Actor | 'operator',
  userId: string,
  disabled: boolean,
  now: Date,
): Promise<RevokedCredentials> {
  if (actor !== 'operator') {
    if (!mayDo(actor, 'users.manage')) throw forbidden('disable or enable accounts');
    if (actor.userId === userId) {
      throw new AppError('USER_ERR_BAD_CHANGE', 400, 'Nobody disables their own account; ask another administrator');
    }
  }
  return db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('users')
      .set({ disabled_at: disabled ? now : null })
      .where('id', '=', userId)
      .where('disabled_at', disabled ? 'is' : 'is not', null)
      .returning('id')
      .executeTakeFirst();
    if (!changed || !disabled) return { sessionsEnded: 0, tokensRevoked: 0 };
    return revokeCredentials(trx, userId, now);
  });
}
