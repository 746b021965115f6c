import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ImportDeps, measureQuality, runImport } from '../hub/index.ts';
import { csvForExcel } from '../lib/csv.ts';
import { seededRandom } from '../text/random.ts';

const POPULATION_FILE = join(import.meta.dirname, 'fixtures', 'changsha-population-2020.csv');
const WEATHER_DAYS = 365;
const DAY_MS = 86_400_000;

/**
 * Synthetic daily weather for 长沙 over the year before `now`: temperatures around the city's seasonal
 * means (about 5 °C in January, 30 °C in July) and rain on about 40 % of days, more in spring. Drawn from a
 * fixed seed; marked synthetic wherever it is shown.
 */
export function syntheticWeather(now: Date): (string | number)[][] {
  const random = seededRandom(20201101);
  const rows: (string | number)[][] = [['日期', '最高气温', '最低气温', '降水量(mm)']];
  for (let i = WEATHER_DAYS; i >= 1; i--) {
    const day = new Date(now.getTime() - i * DAY_MS);
    const dayOfYear = (day.getTime() - Date.UTC(day.getUTCFullYear(), 0, 1)) / DAY_MS;
    const seasonal = 17.5 - 12.5 * Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365);
    const high = seasonal + 4 + (random() - 0.5) * 6;
    const low = high - 6 - random() * 4;
    const wetSeason = 0.3 + 0.25 * Math.max(0, Math.sin((2 * Math.PI * (dayOfYear - 60)) / 365));
    const rain = random() < wetSeason ? -Math.log(1 - random()) * 12 : 0;
    const tenths = (value: number) => Math.round(value * 10) / 10;
    rows.push([day.toISOString().slice(0, 10), tenths(high), tenths(low), tenths(rain)]);
  }
  return rows;
}

/**
 * The demo city's reference data, imported the way a city's own would be (through the importer, so the
 * catalogue shows their lineage and quality): 长沙's population by district from the 2020 census, and a
 * synthetic daily weather series.
 */
export async function seedDemoReferenceData(deps: ImportDeps, userId: string): Promise<void> {
  await runImport(deps, {
    path: POPULATION_FILE,
    target: {
      kind: 'reference',
      dataset: {
        slug: 'population-2020',
        titleZh: '长沙市各区县常住人口（第七次全国人口普查）',
        titleEn: 'Resident population of Changsha by district (2020 census)',
        description:
          'Resident population on 1 November 2020 by county-level unit. Source: Seventh National Population Census (National Bureau of Statistics; Hunan Provincial Bureau of Statistics), as tabulated by citypopulation.de.',
        licence: 'public statistics',
      },
      keyColumn: 'adcode',
    },
    userId,
  });
  const folder = await mkdtemp(join(tmpdir(), 'civicgrid-demo-weather-'));
  try {
    const file = join(folder, 'weather.csv');
    await writeFile(file, csvForExcel(syntheticWeather(deps.clock.now())));
    await runImport(deps, {
      path: file,
      target: {
        kind: 'reference',
        dataset: {
          slug: 'weather-daily-synthetic',
          titleZh: '逐日天气（模拟数据）',
          titleEn: 'Daily weather (synthetic)',
          description:
            'SYNTHETIC: drawn from a fixed seed around Changsha’s seasonal temperatures and rain, for trying the data hub and the analyses. Not observations.',
        },
        keyColumn: '日期',
      },
      userId,
    });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  for (const slug of ['population-2020', 'weather-daily-synthetic']) await measureQuality(deps.db, deps.clock, slug);
}
