import type { Command } from 'commander';
import { runSupervisionSweep } from '../../cases/index.ts';
import { awardPoints } from '../../evaluation/index.ts';
import { openConfiguredDatabase } from '../runtime.ts';

export function sweepCommand(program: Command) {
  program
    .command('sweep')
    .description(
      'Run the supervision sweep and the points award once (servers run them every minute; safe alongside them)',
    )
    .option('--at <instant>', 'as of this ISO-8601 instant instead of now (to replay a past moment)')
    .option('--batch-size <n>', 'deadlines claimed per transaction', '5000')
    .action(async (options: { at?: string; batchSize: string }) => {
      const batchSize = Number(options.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new Error('--batch-size must be a positive whole number');
      const now = options.at ? new Date(options.at) : new Date();
      if (Number.isNaN(now.getTime())) throw new Error(`--at must be an ISO-8601 instant, got "${options.at}"`);
      const handle = await openConfiguredDatabase();
      try {
        const notices = await runSupervisionSweep(handle.db, now, batchSize);
        const awards = await awardPoints(handle.db);
        console.log(JSON.stringify({ yellow: notices.yellow, red: notices.red, awards }));
      } finally {
        await handle.close();
      }
    });
}
