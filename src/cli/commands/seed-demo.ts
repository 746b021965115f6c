import type { Command } from 'commander';
import { readConfig } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { seedDemoReferenceData } from '../../demo/reference-data.ts';
import { demoLoadInterrupted, isEmpty, type SeedOptions, type SeedReport, seedDemoCity } from '../../demo/seed-demo.ts';
import { AreaLocator } from '../../grid/index.ts';
import { CITY_TIME_ZONE } from '../../http/app.ts';
import type { Keyring } from '../../privacy/index.ts';
import { listModels, type ModelTarget, trainInChildProcess } from '../../text/index.ts';
import { progressReporter } from '../progress.ts';
import { openConfiguredDatabase, openKeyring } from '../runtime.ts';

/** The demo's seeding settings: its "today" is now, its time zone the city's. */
export function demoSeedOptions(
  db: Db,
  areas: AreaLocator,
  keyring: Keyring,
  reopenWindowDays: number,
  limit?: number,
): SeedOptions {
  return { db, areas, keyring, now: new Date(), reopenWindowDays, timeZone: CITY_TIME_ZONE, limit };
}

/** Loads the demo city with a progress bar (the `seed-demo` command). */
export async function loadDemoCity(options: SeedOptions): Promise<SeedReport> {
  const progress = progressReporter('Loading the demo city (长沙) cases');
  try {
    return await seedDemoCity({ ...options, onProgress: (done, total) => progress.update(done, total) });
  } finally {
    progress.stop();
  }
}

/**
 * The demo city's reference data (population by district, synthetic weather), imported through the data
 * hub like a city's own; after the structure, since the import is done as the administrator.
 */
export async function loadDemoReferenceData(options: SeedOptions): Promise<void> {
  const admin = await options.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'admin')
    .executeTakeFirstOrThrow();
  await options.areas.reload();
  await seedDemoReferenceData(
    {
      db: options.db,
      keyring: options.keyring,
      locateArea: (longitude, latitude) => options.areas.place(longitude, latitude),
      cityTimeZone: options.timeZone,
      clock: { now: () => options.now },
    },
    admin.id,
  );
}

/** The models the new-case form suggests from: the finest category level and the handling body. */
const DEMO_MODEL_TARGETS = ['category_3', 'body'] as const;
// Three folds for their metrics keep the demo's training to seconds.
const DEMO_MODEL_FOLDS = 3;

/**
 * Trains the demo's models that are not stored yet (so a start interrupted while training trains them at
 * the next), in a child process: `serve` runs this after it listens, and the new-case form suggests
 * without a model until then. Returns the targets trained; a demo loaded with only a few cases (--cases)
 * has too little history, and runs without suggestions.
 */
export async function trainMissingDemoModels(
  db: Db,
  options: { signal?: AbortSignal; onStep?: (step: string) => void } = {},
): Promise<{ trained: ModelTarget[]; skipped: string[] }> {
  const stored = new Set((await listModels(db)).map((m) => m.target));
  const missing = DEMO_MODEL_TARGETS.filter((target) => !stored.has(target));
  const outcomes = missing.length
    ? await trainInChildProcess(db, missing, { trainedBy: 'demo', folds: DEMO_MODEL_FOLDS, ...options })
    : [];
  return {
    trained: outcomes.flatMap((o) => ('model' in o ? [o.target] : [])),
    skipped: outcomes.flatMap((o) => ('skipped' in o ? [o.skipped] : [])),
  };
}

export const INTERRUPTED_DEMO =
  'Loading the demo city was interrupted, so the database holds only part of it. Start again from empty: ' +
  'stop CivicGrid and delete the data directory (DATA_DIR, default ./data), or drop and recreate the PostgreSQL database.';

export function describeSeed(report: SeedReport): string {
  const statuses = Object.entries(report.byStatus)
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
  return `Demo city loaded: ${report.areas} areas, ${report.bodies} handling bodies, ${report.categories} categories, ${report.users} users, ${report.cases} cases (${statuses}).`;
}

export function seedDemoCommand(program: Command) {
  program
    .command('seed-demo')
    .description('Load the demo city (长沙 / Changsha) into an empty database')
    .option('--cases <n>', 'load only the first n demo cases', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error('--cases takes a whole number');
      return n;
    })
    .action(async (options: { cases?: number }) => {
      const config = readConfig();
      const handle = await openConfiguredDatabase(config);
      try {
        if (await demoLoadInterrupted(handle.db)) {
          console.error(INTERRUPTED_DEMO);
          process.exitCode = 1;
          return;
        }
        if (!(await isEmpty(handle.db))) {
          console.error('The database already has users; the demo city loads only into an empty database.');
          process.exitCode = 1;
          return;
        }
        const seedOptions = demoSeedOptions(
          handle.db,
          new AreaLocator(handle.db, config.placementSnapMetres),
          await openKeyring(handle, config),
          config.reopenWindowDays,
          options.cases,
        );
        const report = await loadDemoCity(seedOptions);
        await loadDemoReferenceData(seedOptions);
        console.log(describeSeed(report));
        const models = await trainMissingDemoModels(handle.db, {
          onStep: (step) => process.stderr.write(`${step}…\n`),
        });
        for (const reason of models.skipped) console.log(`${reason}; no suggestions until \`civicgrid model train\``);
      } finally {
        await handle.close();
      }
    });
}
