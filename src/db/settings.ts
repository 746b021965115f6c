import type { Generated, JSONColumnType } from 'kysely';
import type { Db } from './database.ts';

export interface AppSettingTable {
  key: string;
  // Any JSON value; stored and read as jsonb.
  value: JSONColumnType<object | null, string, string>;
  updated_at: Generated<Date>;
}

export interface SettingsTables {
  app_settings: AppSettingTable;
}

export async function readSetting<T>(db: Db, key: string): Promise<T | undefined> {
  const row = await db.selectFrom('app_settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value as unknown as T | undefined;
}

export async function writeSetting(db: Db, key: string, value: unknown): Promise<void> {
  const json = JSON.stringify(value);
  await db
    .insertInto('app_settings')
    .values({ key, value: json })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: new Date() }))
    .execute();
}
