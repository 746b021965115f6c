import type { Command } from 'commander';
import { issueApiToken } from '../../auth/index.ts';
import { actorForUsername } from '../../organizations/index.ts';
import { TOKEN_SCOPES } from '../../policy/index.ts';
import { openConfiguredDatabase } from '../runtime.ts';

export function tokenCommand(program: Command) {
  program
    .command('token')
    .description('Issue an API token for a user, limited to scopes (shown once; only its hash is stored)')
    .argument('<username>', 'the user, e.g. dispatcher')
    .option('--label <label>', 'what the token is for', 'issued from the command line')
    .option('--scopes <list>', `comma-separated, from: ${TOKEN_SCOPES.join(', ')}`, 'cases:read')
    .option('--days <n>', 'days until it expires', '90')
    .action(async (username: string, options: { label: string; scopes: string; days: string }) => {
      const scopes = options.scopes.split(',').map((s) => s.trim());
      const unknown = scopes.filter((s) => !TOKEN_SCOPES.includes(s));
      if (unknown.length) throw new Error(`Unknown scope(s) ${unknown.join(', ')}: use ${TOKEN_SCOPES.join(', ')}`);
      const days = Number(options.days);
      if (!Number.isInteger(days) || days < 1 || days > 3660)
        throw new Error('--days must be a whole number, 1 to 3660');
      const handle = await openConfiguredDatabase();
      try {
        const actor = await actorForUsername(handle.db, username);
        if (!actor) {
          console.error(`There is no user "${username}".`);
          process.exitCode = 1;
          return;
        }
        const { token } = await issueApiToken(handle.db, actor.userId, {
          label: options.label,
          scopes,
          expiresAt: new Date(Date.now() + days * 86_400_000),
        });
        console.log(token);
      } finally {
        await handle.close();
      }
    });
}
