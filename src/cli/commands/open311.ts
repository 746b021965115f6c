import type { Command } from 'commander';
import { issueApiToken } from '../../auth/index.ts';
import { createUser } from '../../organizations/index.ts';
import { openConfiguredDatabase } from '../runtime.ts';
import { operatorActor } from './user.ts';

/** How long a partner application's key lasts unless told otherwise: a year, then it is issued again. */
const KEY_DAYS = 365;

export function open311Command(program: Command) {
  const open311 = program.command('open311').description('Open311: the partner applications that may file cases');

  open311
    .command('add-client')
    .description(
      "Add a partner application: an account of its own (no password, no sign-in) and its api_key, shown once. Disabling the account (the console's staff page) stops the key",
    )
    .argument('<username>', 'the account, e.g. fixmystreet-changsha (stored in lower case)')
    .requiredOption('--name <name>', 'the application as staff will see it on its cases, e.g. "FixMyStreet 长沙"')
    .option('--days <n>', 'days until the key expires', String(KEY_DAYS))
    .action(async (username: string, options: { name: string; days: string }) => {
      const days = Number(options.days);
      if (!Number.isInteger(days) || days < 1 || days > 3660)
        throw new Error('--days must be a whole number, 1 to 3660');
      const handle = await openConfiguredDatabase();
      try {
        const admin = await operatorActor(handle.db);
        if (admin === 'bootstrap') throw new Error('Create an administrator first (civicgrid user add … --role admin)');
        // A desk account with the city as its reach (a report may come from anywhere in it); its key's only
        // scope, open311, lets it file cases through Open311 and nothing else of the API.
        const client = await createUser(handle.db, admin, {
          username,
          displayName: `${options.name} (Open311)`,
          role: 'dispatcher',
          reach: 'city',
        });
        const { token } = await issueApiToken(handle.db, client.id, {
          label: `Open311 api_key of ${options.name}`,
          scopes: ['open311'],
          expiresAt: new Date(Date.now() + days * 86_400_000),
        });
        console.log(JSON.stringify({ username: client.username, api_key: token }));
      } finally {
        await handle.close();
      }
    });
}
