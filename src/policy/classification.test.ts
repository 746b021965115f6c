import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../lib/app-error.ts';
import { DATA_CLASSIFICATION, requireClearance } from './classification.ts';

/**
 * Compares the live schema with the labels: every column must have one (so a new column cannot ship
 * unlabelled) and every label must name a column (so a dropped one cannot linger). Run through `db`, which
 * may be a transaction, so a test can show a column added in it.
 */
async function classificationGaps(db: Db): Promise<{ unlabelled: string[]; stale: string[] }> {
  const { rows } = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = 'public'
    order by table_name, column_name`.execute(db);
  const live = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
  const labelled = new Set(
    Object.entries(DATA_CLASSIFICATION).flatMap(([table, columns]) =>
      Object.keys(columns).map((column) => `${table}.${column}`),
    ),
  );
  return {
    unlabelled: [...live].filter((c) => !labelled.has(c)).sort(),
    stale: [...labelled].filter((c) => !live.has(c)).sort(),
  };
}

forEachDatabase('data classification', (database) => {
  it('should label every column of the migrated schema, and label no column that does not exist', async () => {
    const gaps = await classificationGaps(database().db);
    expect(gaps).toEqual({ unlabelled: [], stale: [] });
  });

  it('should report a column added without a label, by table and column', async () => {
    const rolledBack = new Error('roll back the column added for the test');
    let gaps: Awaited<ReturnType<typeof classificationGaps>> | undefined;
    await expect(
      database()
        .db.transaction()
        .execute(async (trx) => {
          await sql`alter table cases add column secret_x text`.execute(trx);
          gaps = await classificationGaps(trx);
          throw rolledBack;
        }),
    ).rejects.toBe(rolledBack);
    expect(gaps?.unlabelled).toEqual(['cases.secret_x']);
    // The rollback took the column away again: the schema is back to fully labelled.
    expect(await classificationGaps(database().db)).toEqual({ unlabelled: [], stale: [] });
  });
});

it('should label sealed identities and personal items of case texts as core, sensitive data', () => {
  expect(DATA_CLASSIFICATION.persons?.sealed).toEqual({ level: 'core', personal: 'sensitive' });
  expect(DATA_CLASSIFICATION.case_personal_items?.sealed).toEqual({ level: 'core', personal: 'sensitive' });
});

it('should refuse to release a core column to important clearance, naming the column', () => {
  let refused: unknown;
  try {
    requireClearance('important', 'persons', ['id', 'sealed']);
  } catch (error) {
    refused = error;
  }
  expect(refused).toBeInstanceOf(AppError);
  expect(refused).toMatchObject({ code: 'DATA_ERR_CLEARANCE', statusCode: 403 });
  expect((refused as Error).message).toContain('persons.sealed');
  expect((refused as Error).message).not.toContain('persons.id');
});

it('should release core columns to core clearance', () => {
  expect(() => requireClearance('core', 'persons', ['id', 'sealed'])).not.toThrow();
  expect(() => requireClearance('core', 'case_personal_items', ['sealed', 'kinds'])).not.toThrow();
});

describe('clearance at the API', () => {
  it('should refuse case answers to staff whose clearance is below the columns they release', async () => {
    const handle = await createTestDatabase('pglite');
    try {
      const { areas } = await loadSmallDemoCity(handle, 5);
      const { app, as } = await buildTestApp(handle, areas);
      const headers = await as('dispatcher');
      expect((await app.inject({ url: '/api/v1/cases', headers })).statusCode).toBe(200);
      await handle.db.updateTable('users').set({ clearance: 'general' }).where('username', '=', 'dispatcher').execute();
      for (const url of ['/api/v1/cases', '/api/v1/cases/map', '/api/v1/cases/queue', '/api/v1/cases/2026-000001']) {
        const refused = await app.inject({ url, headers });
        expect(refused.statusCode, url).toBe(403);
        expect(refused.json().error).toMatchObject({ code: 'DATA_ERR_CLEARANCE', details: { table: 'cases' } });
      }
      // A citizen's clearance is general too, but the cases they see are their own.
      expect((await app.inject({ url: '/api/v1/cases', headers: await as('citizen') })).statusCode).toBe(200);
      await app.close();
    } finally {
      await handle.close();
    }
  });
});
