import os from 'node:os';
import type { Command } from 'commander';
import { appendAudit } from '../audit/index.ts';
import { openConfiguredDatabase, openKeyring } from './runtime.ts';

/** Commands that change data: each run is in the audit trail, like a change through the API. */
const CHANGING = new Set([
  'migrate',
  'seed-demo',
  'grid import',
  'grid generate',
  'calendar load',
  'sweep',
  'token',
  'keys rotate',
  'user add',
  'user password',
  'user disable',
  'user reach',
  'audit seal-legacy',
  'model train',
  'open311 add-client',
  'import',
]);

/** The command's full name ("grid import"), from the innermost command up. */
function nameOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Records each successful run of a changing command once it has finished: the operator's login, the
 * arguments and the options (never values from the environment, where keys and passwords live). A run
 * that failed (it threw, or set an exit code) is not recorded: its own transaction rolled back.
 */
export function auditChangingCommands(program: Command) {
  program.hook('postAction', async (_program, command) => {
    const name = nameOf(command);
    if (!CHANGING.has(name) || process.exitCode) return;
    const handle = await openConfiguredDatabase();
    try {
      await appendAudit(handle.db, await openKeyring(handle), {
        at: new Date(),
        actorUserId: null,
        actorRole: 'operator',
        action: `cli.${name.replace(' ', '_')}`,
        subjectType: 'command',
        subjectId: name,
        details: { args: command.args, options: command.opts(), login: os.userInfo().username },
        ip: 'localhost',
      });
    } finally {
      await handle.close();
    }
  });
}
