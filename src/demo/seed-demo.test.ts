import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { loadSmallDemoCity } from '../../test/demo-city.ts';
import { replay } from '../cases/index.ts';

forEachDatabase('demo city', (database) => {
  describe('seedDemoCity', () => {
    it('should load the districts, the whole taxonomy, the bodies, users and cases in several statuses', async () => {
      const { report } = await loadSmallDemoCity(database(), 40);
      expect(report.areas).toBe(10);
      // The sheet has 15 first-level, 118 second-level and 517 leaf categories.
      expect(report.categories).toBe(15 + 118 + 517);
      expect(report.cases).toBe(40);
      expect(Object.keys(report.byStatus).length).toBeGreaterThanOrEqual(5);
    });

    it('should give every demo case a status its own events justify', async () => {
      const { db } = database();
      const cases = await db.selectFrom('cases').select(['id', 'status']).execute();
      for (const c of cases) {
        const events = await db
          .selectFrom('case_events')
          .select(['action', 'actor_role'])
          .where('case_id', '=', c.id)
          .orderBy('seq')
          .execute();
        expect(replay(events.map((e) => ({ action: e.action, actorRole: e.actor_role as never }))).status).toBe(
          c.status,
        );
      }
    });

    it('should place demo cases in the district their point lies in', async () => {
      const { db } = database();
      const placed = await db.selectFrom('cases').select('grid_code').where('grid_code', 'is not', null).execute();
      expect(placed.length).toBe(40);
      const districts = await db.selectFrom('grid_areas').select('code').where('level', '=', 'district').execute();
      const districtCodes = districts.map((d) => d.code);
      expect(districtCodes).toHaveLength(9);
      expect(placed.every((c) => districtCodes.includes(c.grid_code!.slice(0, 6)))).toBe(true);
      // …and precisely in the district the fixture drew the point in (cases are numbered in fixture order).
      const fixture = JSON.parse(
        fs.readFileSync(new URL('./fixtures/messages.json', import.meta.url), 'utf8'),
      ) as Array<{
        district: string;
      }>;
      const ordered = await db.selectFrom('cases').select('grid_code').orderBy('case_number').execute();
      expect(ordered.map((c) => c.grid_code!.slice(0, 6))).toEqual(fixture.slice(0, 40).map((m) => m.district));
    });
  });
});
