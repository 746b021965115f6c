import type { Db } from '../db/database.ts';
import { AppError } from '../lib/app-error.ts';
import type { Actor } from '../organizations/index.ts';
import { mayDo } from '../policy/index.ts';
import { gridAdminOnly } from './grid.errors.ts';

export interface ResponsibleBody {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
  /** The area whose assignment applies: the area itself, or the nearest one above it that has one. */
  assignedArea: string;
}

const RESPONSIBLE_TYPES = ['community_committee', 'street_office', 'district_government'];

/** The community committee or street office responsible for an area (its own, else its nearest ancestor's). */
export async function responsibleBody(db: Db, areaCode: string): Promise<ResponsibleBody | null> {
  const prefixes = [15, 12, 9, 6].filter((n) => n <= areaCode.length).map((n) => areaCode.slice(0, n));
  const rows = await db
    .selectFrom('area_responsibilities')
    .innerJoin('handling_bodies', 'handling_bodies.id', 'area_responsibilities.handling_body_id')
    .select([
      'area_responsibilities.area_code',
      'handling_bodies.id',
      'handling_bodies.code',
      'handling_bodies.name_zh',
      'handling_bodies.name_en',
    ])
    .where('area_responsibilities.area_code', 'in', [...new Set([areaCode, ...prefixes])])
    .execute();
  rows.sort((a, b) => b.area_code.length - a.area_code.length);
  const row = rows[0];
  return row
    ? { id: row.id, code: row.code, nameZh: row.name_zh, nameEn: row.name_en, assignedArea: row.area_code }
    : null;
}

export async function setResponsibleBody(db: Db, actor: Actor, areaCode: string, bodyId: string): Promise<void> {
  if (!mayDo(actor, 'grid.edit')) throw gridAdminOnly('assign responsibility for areas');
  const body = await db
    .selectFrom('handling_bodies')
    .select(['id', 'type'])
    .where('id', '=', bodyId)
    .executeTakeFirst();
  if (!body || !RESPONSIBLE_TYPES.includes(body.type)) {
    throw new AppError(
      'GRID_ERR_BAD_RESPONSIBLE_BODY',
      400,
      'An area is the responsibility of a community committee, street office or district government',
      {
        bodyId,
      },
    );
  }
  await db
    .insertInto('area_responsibilities')
    .values({ area_code: areaCode, handling_body_id: bodyId })
    .onConflict((oc) => oc.column('area_code').doUpdateSet({ handling_body_id: bodyId }))
    .execute();
}
