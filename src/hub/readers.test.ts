import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { detectEncodingOf } from './encoding.ts';
import { openFile, type SourceRow, sniffDelimiter } from './readers.ts';
import { decodeExcelEscapes, parseInstant, typedValue } from './values.ts';

const folder = mkdtempSync(join(tmpdir(), 'civicgrid-readers-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function rowsOf(name: string, content: string | Buffer): Promise<SourceRow[]> {
  const path = join(folder, name);
  writeFileSync(path, content);
  const rows: SourceRow[] = [];
  for await (const row of (await openFile(path)).rows) rows.push(row);
  return rows;
}

describe('reading files', () => {
  it('should read a JSON array and an array held under data, records or result.records', async () => {
    expect((await rowsOf('a.json', '[{"id":1,"name":"甲"},{"id":2,"name":"乙"}]')).map((r) => r.values)).toEqual([
      { id: 1, name: '甲' },
      { id: 2, name: '乙' },
    ]);
    const ckan = '{"help":"…","success":true,"result":{"records":[{"id":7}],"total":1}}';
    expect((await rowsOf('b.json', ckan)).map((r) => r.values)).toEqual([{ id: 7 }]);
    expect((await rowsOf('c.json', '{"data": [{"x": true}]}')).map((r) => r.values)).toEqual([{ x: true }]);
    await expect(rowsOf('d.json', '{"nothing": 1}')).rejects.toThrow(/neither an array of records/);
  });

  it('should read NDJSON line by line, a malformed line becoming a row to reject', async () => {
    const rows = await rowsOf('e.ndjson', '{"id":1}\n\nnot json\n[1,2]\n{"id":2}\n');
    expect(rows.map((r) => [r.rowNumber, r.values])).toEqual([
      [1, { id: 1 }],
      [3, { __error: 'the line is not valid JSON' }],
      [4, { __error: 'the line is not a JSON object' }],
      [5, { id: 2 }],
    ]);
  });

  it('should read GeoJSON and TopoJSON features as their properties plus a geometry', async () => {
    const geojson = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { name: '站点' }, geometry: { type: 'Point', coordinates: [113, 28.2] } },
      ],
    };
    expect((await rowsOf('f.geojson', JSON.stringify(geojson)))[0]?.values).toEqual({
      name: '站点',
      geometry: { type: 'Point', coordinates: [113, 28.2] },
    });
    const topology = {
      type: 'Topology',
      objects: {
        places: {
          type: 'GeometryCollection',
          geometries: [{ type: 'Point', coordinates: [113, 28.2], properties: { name: '甲' } }],
        },
      },
      arcs: [],
    };
    expect((await rowsOf('g.topojson', JSON.stringify(topology)))[0]?.values).toEqual({
      name: '甲',
      geometry: { type: 'Point', coordinates: [113, 28.2] },
    });
  });

  it('should read semicolon CSV, and keep a row with more fields than the header for rejection', async () => {
    expect(sniffDelimiter('a;b;"c;d"\n')).toBe(';');
    const rows = await rowsOf('h.csv', 'a;b\n1;2\n3;4;5\n');
    expect(rows.map((r) => [r.values, r.extraFields])).toEqual([
      [{ a: '1', b: '2' }, undefined],
      [{ a: '3', b: '4' }, 1],
    ]);
  });

  it('should tell the encodings apart from their bytes', () => {
    const text = '编号,名称\nF001,芙蓉区东湖街道社区卫生服务中心\n';
    expect(detectEncodingOf(Buffer.from(text), true)).toEqual({ encoding: 'utf-8', bom: false });
    expect(detectEncodingOf(iconv.encode(text, 'gbk'), true).encoding).toBe('gb18030');
    expect(detectEncodingOf(iconv.encode(text, 'utf-16le'), true)).toEqual({ encoding: 'utf-16le', bom: false });
    expect(
      detectEncodingOf(Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')]), true).encoding,
    ).toBe('utf-16be');
    // A sample cut inside a character is still UTF-8.
    const cut = Buffer.from(text).subarray(0, 14);
    expect(detectEncodingOf(cut, false).encoding).toBe('utf-8');
  });
});

describe('reading values', () => {
  it.each([
    ['2016-07-13 15:11:07+00:00', 'UTC', '2016-07-13T15:11:07.000Z'],
    ['2019-05-06T22:15:03+08:00', 'UTC', '2019-05-06T14:15:03.000Z'],
    ['12/31/2018 11:55:30 PM', 'America/Los_Angeles', '2019-01-01T07:55:30.000Z'],
    ['03/01/2011 12:05:00 AM', 'America/New_York', '2011-03-01T05:05:00.000Z'],
    ['2019/4/25 9:32:09', 'Asia/Shanghai', '2019-04-25T01:32:09.000Z'],
    ['2020年11月1日', 'Asia/Shanghai', '2020-10-31T16:00:00.000Z'],
    ['44136', 'Asia/Shanghai', '2020-10-31T16:00:00.000Z'],
    // The clocks went forward in New York at 2 a.m. on 13 March 2011: 3 a.m. is then UTC-4.
    ['03/13/2011 03:30:00 AM', 'America/New_York', '2011-03-13T07:30:00.000Z'],
  ])('should read %s in %s', (text, zone, iso) => {
    expect(parseInstant(text, zone)?.toISOString()).toBe(iso);
  });

  it.each(['2019/2/30 10:00', '13/01/2020', '00/10/2020 10:00:00 AM', '10/10/2020 13:00:00 PM', 'yesterday', ''])(
    'should refuse %j as a time',
    (text) => {
      expect(parseInstant(text, 'Asia/Shanghai')).toBeUndefined();
    },
  );

  it('should decode Excel’s escapes and type values, saying why one does not fit', () => {
    expect(decodeExcelEscapes('一_x000D_二_x005F_x000D_')).toBe('一\r二_x000D_');
    expect(typedValue('1,234', 'integer', 'UTC')).toEqual({ ok: true, value: 1234 });
    expect(typedValue('12.5', 'integer', 'UTC')).toEqual({ ok: false, reason: 'not a whole number' });
    expect(typedValue('是', 'boolean', 'UTC')).toEqual({ ok: true, value: true });
    expect(typedValue('2026/7/1', 'date', 'Asia/Shanghai')).toEqual({ ok: true, value: '2026-07-01' });
    expect(typedValue('  ', 'number', 'UTC')).toEqual({ ok: true, value: null });
  });
});
