import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any> and plain SQL, never the application's types.

/**
 * The role the application should run as in production, apart from the role that owns the tables (the
 * one migrations run as). A table's owner can disable its triggers, so an application connected as the
 * owner could rewrite the audit trail past its append-only trigger; `civicgrid_app` owns nothing and may
 * only read and append to `audit_log`. Operators log in as a member of it (README, "Running on
 * PostgreSQL"). Roles belong to the whole server, so another database's migration may have made it
 * already; without the right to create roles the migration says so and goes on (the README has the SQL,
 * and the grants follow at the next `migrate`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    do $$
    begin
      if not exists (select 1 from pg_roles where rolname = 'civicgrid_app') then
        begin
          create role civicgrid_app nologin;
        exception
          when duplicate_object then null;
          when insufficient_privilege then
            raise notice 'civicgrid: no right to create the role civicgrid_app; create it as in the README';
        end;
      end if;
    end $$`.execute(db);
  // Its grants are given after every migration run (db/migrate.ts), so a role created later gets them too.
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    do $$
    begin
      if exists (select 1 from pg_roles where rolname = 'civicgrid_app') then
        execute format('alter default privileges in schema %I revoke all on tables from civicgrid_app',
          current_schema());
        execute format('alter default privileges in schema %I revoke all on sequences from civicgrid_app',
          current_schema());
        execute format('revoke all on all tables in schema %I from civicgrid_app', current_schema());
        execute format('revoke all on all sequences in schema %I from civicgrid_app', current_schema());
        execute format('revoke usage on schema %I from civicgrid_app', current_schema());
      end if;
    end $$`.execute(db);
}
