import { Migrator, sql } from 'kysely';
import type { Db } from './database.ts';
import { MIGRATIONS } from './migrations/index.ts';

export interface MigrationReport {
  applied: string[];
}

/**
 * Brings the schema up to date. Idempotent; Kysely's migration lock makes concurrent starts of several
 * app instances safe.
 */
export async function migrateToLatest(db: Db): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`Migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  await grantApplicationRole(db);
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/**
 * Gives the role the servers should run as, `civicgrid_app` (see the application-role migration), what it
 * needs: every table to read and change, `audit_log` to read and append to only. Run after every migration
 * run, so a role created after the migration (by an operator without the right to create roles) gets it at
 * the next `migrate`. Only the tables' owner may grant: run as anyone else (the application role itself),
 * this does nothing. Instances starting at the same moment take turns (an advisory lock): two GRANTs on one
 * table at once fail with "tuple concurrently updated".
 */
async function grantApplicationRole(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('civicgrid:grant-application-role'))`.execute(trx);
    await sql`
    do $$
    begin
      if exists (select 1 from pg_roles where rolname = 'civicgrid_app')
        and exists (select 1 from pg_tables where tablename = 'audit_log' and schemaname = current_schema()
                    and tableowner = current_user) then
        execute format('grant usage on schema %I to civicgrid_app', current_schema());
        execute format('grant select, insert, update, delete on all tables in schema %I to civicgrid_app',
          current_schema());
        execute format('grant usage, select on all sequences in schema %I to civicgrid_app', current_schema());
        revoke update, delete, truncate on audit_log from civicgrid_app;
      end if;
    end $$`.execute(trx);
  });
}
