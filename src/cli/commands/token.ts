import type { Command } from 'commander';
import { actorForUsername, issueApiToken } from '../../organizations/index.ts';
import { openConfiguredDatabase } from '../runtime.ts';

export function tokenCommand(program: Command) {
  program
    .command('token')
    .description('Issue an API token for a user (shown once; only its hash is stored)')
    .argument('<username>', 'the user, e.g. dispatcher')
    .option('--label <label>', 'what the token is for', 'issued from the command line')
    .action(async (username: string, options: { label: string }) => {
      const handle = await openConfiguredDatabase();
      try {
        const actor = await actorForUsername(handle.db, username);
        if (!actor) {
          console.error(`There is no user "${username}".`);
          process.exitCode = 1;
          return;
        }
        console.log(await issueApiToken(handle.db, actor.userId, options.label));
      } finally {
        await handle.close();
      }
    });
}
