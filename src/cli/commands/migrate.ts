import type { Command } from 'commander';
import { readConfig } from '../../config.ts';
import { databaseTarget, openDatabase } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { describeDatabase } from '../runtime.ts';

export function migrateCommand(program: Command) {
  program
    .command('migrate')
    .description('Bring the database schema up to date (safe to run any number of times)')
    .action(async () => {
      const config = readConfig();
      const handle = await openDatabase(databaseTarget(config));
      try {
        const { applied } = await migrateToLatest(handle.db);
        console.log(
          applied.length
            ? `Applied ${applied.length} migration(s) to ${describeDatabase(config)}: ${applied.join(', ')}`
            : `The schema of ${describeDatabase(config)} is up to date.`,
        );
      } finally {
        await handle.close();
      }
    });
}
