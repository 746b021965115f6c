import type { Command } from 'commander';
import { readConfig } from '../../config.ts';
import { databaseTarget, openDatabase } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { ensureReadingPartitions } from '../../sensors/index.ts';
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
        // The tables' owner runs this: it makes the sensor readings' coming months, which the servers'
        // role may not (their sweep tries too, and says so when it cannot).
        const partitions = await ensureReadingPartitions(handle.db, new Date());
        for (const { name, reason } of partitions.failed) console.warn(`Sensor readings partition ${name}: ${reason}`);
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
