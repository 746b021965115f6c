import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { loadSmallDemoCity } from '../../test/demo-city.ts';
import { replay } from '../cases/index.ts';
import { changshaPlaceNames } from './seed-demo.ts';

const CHANGSHA_BY_ADCODE = ['芙蓉区', '天心区', '岳麓区', '开福区', '雨花区', '望城区', '长沙县', '浏阳市', '宁乡市'];

describe('the demo texts in 长沙', () => {
  const inChangsha = changshaPlaceNames(CHANGSHA_BY_ADCODE);

  it('should give each anonymised place of the source city its one real name in 长沙, wherever it appears', () => {
    expect(inChangsha('A市A6区道路命名规划，A6区农村的门牌号；A1区与A7县交界，A8县和A9市')).toBe(
      '长沙市望城区道路命名规划，望城区农村的门牌号；芙蓉区与长沙县交界，浏阳市和宁乡市',
    );
  });

  it("should leave other cities' placeholders and ordinary letters and numbers alone", () => {
    expect(inChangsha('从G1区到C5市，A区，A4栋，B8702号')).toBe('从G1区到C5市，A区，A4栋，B8702号');
  });
});

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

    it("should tell its cases with 长沙's place names and its records in one language (zh-CN)", async () => {
      const { db } = database();
      const texts = await db.selectFrom('cases').select(['title', 'description']).execute();
      const notes = [
        ...(await db.selectFrom('case_events').select('note').where('note', 'is not', null).execute()),
        ...(await db.selectFrom('routing_rules').select('note').where('note', 'is not', null).execute()),
      ];
      const all = [...texts.flatMap((t) => [t.title, t.description]), ...notes.map((n) => n.note as string)];
      expect(all.filter((text) => /A市|A[1-9][区县市]/.test(text))).toEqual([]);
      expect(all.join('\n')).toContain('长沙市');
      // A record in Chinese with an English translation beside it ("… / Needs several departments") is
      // neither language: the console translates its own labels, never the data.
      expect(notes.map((n) => n.note as string).filter((note) => / \/ [A-Z][a-z]/.test(note))).toEqual([]);
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
