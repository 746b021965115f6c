import type { Command } from 'commander';
import { passwordProblems, revokeAllSessions, setPassword } from '../../auth/index.ts';
import {
  type Actor,
  actorForUsername,
  createUser,
  ROLES,
  type Role,
  setJurisdiction,
} from '../../organizations/index.ts';
import { openConfiguredDatabase } from '../runtime.ts';

/**
 * The password comes from CIVICGRID_PASSWORD or the first line of standard input, never from the command
 * line (where it would sit in the shell's history and in the process list).
 */
async function readPassword(): Promise<string> {
  const fromEnv = process.env.CIVICGRID_PASSWORD;
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) process.stderr.write('Password (input is shown; prefer piping it in): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (Buffer.concat(chunks).includes(10)) break;
  }
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (!line) throw new Error('Give the password in CIVICGRID_PASSWORD or on standard input');
  return line;
}

/** The operator acts as the first administrator; the very first administrator is created from nothing. */
async function operatorActor(db: Parameters<typeof actorForUsername>[0]): Promise<Actor | 'bootstrap'> {
  const admin = await db.selectFrom('users').select('username').where('role', '=', 'admin').executeTakeFirst();
  return admin ? ((await actorForUsername(db, admin.username)) ?? 'bootstrap') : 'bootstrap';
}

export function userCommand(program: Command) {
  const user = program.command('user').description('Staff accounts: add one, set a password, disable one');

  user
    .command('add')
    .description('Add a user (the first one must be an admin); the password comes from CIVICGRID_PASSWORD or stdin')
    .argument('<username>', 'the sign-in name (stored in lower case)')
    .requiredOption('--role <role>', `one of ${ROLES.filter((r) => r !== 'citizen').join(', ')}`)
    .requiredOption('--name <display name>', 'the name shown to others')
    .option('--body <code>', "a handler's handling body, by its code")
    .option('--area <codes>', 'comma-separated area codes the user works in (default: city-wide)')
    .action(async (username: string, options: { role: string; name: string; body?: string; area?: string }) => {
      if (!ROLES.includes(options.role as Role) || options.role === 'citizen') {
        throw new Error(
          `--role must be one of ${ROLES.filter((r) => r !== 'citizen').join(', ')}; citizens sign up by phone`,
        );
      }
      if ((options.role === 'handler') !== Boolean(options.body)) {
        throw new Error('A handler needs --body (their handling body), and only a handler has one');
      }
      const password = await readPassword();
      // Checked before the account exists, so a refused password leaves no account without one.
      const problems = passwordProblems(password, username);
      if (problems.length) throw new Error(`Choose a stronger password: ${problems.join('; ')}`);
      const handle = await openConfiguredDatabase();
      try {
        const { db } = handle;
        const body = options.body
          ? await db.selectFrom('handling_bodies').select('id').where('code', '=', options.body).executeTakeFirst()
          : undefined;
        if (options.body && !body) throw new Error(`There is no handling body with code "${options.body}"`);
        const actor = await operatorActor(db);
        const created = await createUser(db, actor, {
          username,
          displayName: options.name,
          role: options.role as Role,
          handlingBodyId: body?.id ?? null,
        });
        await setPassword(db, created.id, created.username, password, new Date());
        if (options.area) {
          const admin = await operatorActor(db);
          if (admin !== 'bootstrap') await setJurisdiction(db, admin, created.id, options.area.split(','));
        }
        console.log(JSON.stringify({ username: created.username, role: created.role }));
      } finally {
        await handle.close();
      }
    });

  user
    .command('password')
    .description("Set a user's password (from CIVICGRID_PASSWORD or stdin) and end their sessions")
    .argument('<username>')
    .action(async (username: string) => {
      const password = await readPassword();
      const handle = await openConfiguredDatabase();
      try {
        const target = await actorForUsername(handle.db, username.toLowerCase());
        if (!target) throw new Error(`There is no user "${username}"`);
        await setPassword(handle.db, target.userId, target.username, password, new Date());
        const ended = await revokeAllSessions(handle.db, target.userId, new Date());
        console.log(JSON.stringify({ username: target.username, sessionsEnded: ended }));
      } finally {
        await handle.close();
      }
    });

  user
    .command('disable')
    .description('Disable a user: they can no longer sign in, and their sessions and tokens stop working')
    .argument('<username>')
    .action(async (username: string) => {
      const handle = await openConfiguredDatabase();
      try {
        const now = new Date();
        const result = await handle.db
          .updateTable('users')
          .set({ disabled_at: now })
          .where('username', '=', username.toLowerCase())
          .where('disabled_at', 'is', null)
          .executeTakeFirst();
        if (!result.numUpdatedRows) throw new Error(`There is no enabled user "${username}"`);
        console.log(JSON.stringify({ username: username.toLowerCase(), disabled: true }));
      } finally {
        await handle.close();
      }
    });
}
