import type { Command } from 'commander';
import { createStaffAccount, setAccountDisabled, setPassword } from '../../auth/index.ts';
import {
  type Actor,
  AREA_ROLES,
  actorForUsername,
  type Jurisdiction,
  ROLES,
  type Role,
  requireUserId,
  setReach,
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
export async function operatorActor(db: Parameters<typeof actorForUsername>[0]): Promise<Actor | 'bootstrap'> {
  const admin = await db.selectFrom('users').select('username').where('role', '=', 'admin').executeTakeFirst();
  return admin ? ((await actorForUsername(db, admin.username)) ?? 'bootstrap') : 'bootstrap';
}

/**
 * The reach given on the command line: an explicit --city-wide or --area list, required for staff placed by
 * area (so a forgotten --area can never make anyone city-wide), refused for the others.
 */
function reachOption(role: Role, options: { area?: string; cityWide?: boolean }): Jurisdiction | undefined {
  if (options.area && options.cityWide) throw new Error('Give either --area or --city-wide, not both');
  if (!AREA_ROLES.includes(role)) {
    if (options.area || options.cityWide) {
      throw new Error(`The role ${role} is not placed by area: leave out --area and --city-wide`);
    }
    return undefined;
  }
  if (options.cityWide) return 'city';
  const areas = (options.area ?? '')
    .split(',')
    .map((code) => code.trim())
    .filter(Boolean);
  if (!areas.length) {
    throw new Error(
      `The role ${role} works in areas: give --area CODES (comma-separated)${role === 'grid_worker' ? '' : ', or --city-wide'}`,
    );
  }
  return areas;
}

export function userCommand(program: Command) {
  const user = program.command('user').description('Staff accounts: add one, set a password or reach, disable one');

  user
    .command('add')
    .description('Add a user (the first one must be an admin); the password comes from CIVICGRID_PASSWORD or stdin')
    .argument('<username>', 'the sign-in name (stored in lower case)')
    .requiredOption('--role <role>', `one of ${ROLES.filter((r) => r !== 'citizen').join(', ')}`)
    .requiredOption('--name <display name>', 'the name shown to others')
    .option('--body <code>', "a handler's handling body, by its code")
    .option('--area <codes>', 'comma-separated area codes the user works in (staff other than handlers)')
    .option('--city-wide', 'the user works city-wide (dispatchers, supervisors, admins, stewards, auditors)')
    .action(
      async (
        username: string,
        options: { role: string; name: string; body?: string; area?: string; cityWide?: boolean },
      ) => {
        if (!ROLES.includes(options.role as Role) || options.role === 'citizen') {
          throw new Error(
            `--role must be one of ${ROLES.filter((r) => r !== 'citizen').join(', ')}; citizens sign up by phone`,
          );
        }
        const role = options.role as Role;
        if ((role === 'handler') !== Boolean(options.body)) {
          throw new Error('A handler needs --body (their handling body), and only a handler has one');
        }
        const reach = reachOption(role, options);
        const password = await readPassword();
        const handle = await openConfiguredDatabase();
        try {
          const { db } = handle;
          const body = options.body
            ? await db.selectFrom('handling_bodies').select('id').where('code', '=', options.body).executeTakeFirst()
            : undefined;
          if (options.body && !body) throw new Error(`There is no handling body with code "${options.body}"`);
          const created = await createStaffAccount(
            db,
            await operatorActor(db),
            { username, displayName: options.name, role, handlingBodyId: body?.id ?? null, reach, password },
            new Date(),
          );
          console.log(JSON.stringify({ username: created.username, role: created.role, reach: reach ?? null }));
        } finally {
          await handle.close();
        }
      },
    );

  user
    .command('reach')
    .description("Set where a user's work reaches: --area CODES (replacing their areas) or --city-wide")
    .argument('<username>')
    .option('--area <codes>', 'comma-separated area codes')
    .option('--city-wide', 'the whole city')
    .action(async (username: string, options: { area?: string; cityWide?: boolean }) => {
      const handle = await openConfiguredDatabase();
      try {
        const target = await actorForUsername(handle.db, username.toLowerCase());
        if (!target) throw new Error(`There is no user "${username}"`);
        const reach = reachOption(target.role, options)!;
        const admin = await operatorActor(handle.db);
        if (admin === 'bootstrap') throw new Error('Create an administrator first (civicgrid user add … --role admin)');
        await setReach(handle.db, admin, target.userId, reach);
        console.log(JSON.stringify({ username: target.username, reach }));
      } finally {
        await handle.close();
      }
    });

  user
    .command('password')
    .description("Set a user's password (from CIVICGRID_PASSWORD or stdin), end their sessions and revoke their tokens")
    .argument('<username>')
    .action(async (username: string) => {
      const password = await readPassword();
      const handle = await openConfiguredDatabase();
      try {
        const target = await actorForUsername(handle.db, username.toLowerCase());
        if (!target) throw new Error(`There is no user "${username}"`);
        const revoked = await setPassword(handle.db, target.userId, target.username, password, new Date());
        console.log(JSON.stringify({ username: target.username, ...revoked }));
      } finally {
        await handle.close();
      }
    });

  user
    .command('disable')
    .description('Disable a user: they can no longer sign in, their sessions end and their tokens are revoked')
    .argument('<username>')
    .action(async (username: string) => {
      const handle = await openConfiguredDatabase();
      try {
        const userId = await requireUserId(handle.db, username);
        const revoked = await setAccountDisabled(handle.db, 'operator', userId, true, new Date());
        console.log(JSON.stringify({ username: username.toLowerCase(), disabled: true, ...revoked }));
      } finally {
        await handle.close();
      }
    });
}
