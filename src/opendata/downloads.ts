import type { Release } from './releases.ts';
import { unflatIndex } from './suppression.ts';

/**
 * A release's stored table as files. Every row of the extended table is written, margins included (their
 * category, area or period is `TOTAL`), with its value, or none and the status `suppressed`. The files are
 * rendered from the stored numbers on each download, so they never change.
 */
export const DOWNLOAD_FORMATS = ['csv', 'json', 'geojson'] as const;
export type DownloadFormat = (typeof DOWNLOAD_FORMATS)[number];

export const TOTAL = 'TOTAL';

export interface ReleaseRow {
  categoryCode: string;
  categoryName: string;
  areaCode: string;
  areaName: string;
  period: string;
  value: number | null;
  status: 'published' | 'suppressed';
}

export function releaseRows(release: Release): { row: ReleaseRow; areaIndex: number | null }[] {
  const { categories, areas, periods } = release.dimensions;
  const shape = [categories.length + 1, areas.length + 1, periods.length + 1];
  return release.cells.map((value, flat) => {
    const [c, a, p] = unflatIndex(shape, flat) as [number, number, number];
    const category = categories[c];
    const area = areas[a];
    return {
      row: {
        categoryCode: category?.code ?? TOTAL,
        categoryName: category?.nameZh ?? '合计',
        areaCode: area?.code ?? TOTAL,
        areaName: area?.nameZh ?? '合计',
        period: periods[p] ?? TOTAL,
        value,
        status: value === null ? 'suppressed' : 'published',
      },
      areaIndex: area ? a : null,
    };
  });
}

const csvField = (value: string | number | null) => {
  const text = value === null ? '' : String(value);
  // Quote what needs it, and neutralise spreadsheet formulas (=, +, -, @ at the start of a text field).
  const safe = typeof value === 'string' && /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

export function renderRelease(release: Release, format: DownloadFormat): { contentType: string; body: string } {
  const rows = releaseRows(release);
  const about = {
    id: release.id,
    title: release.title,
    dataset: release.dataset,
    areaLevel: release.areaLevel,
    from: release.from,
    to: release.to,
    threshold: release.threshold,
    protectionMargin: release.protectionMargin,
    mechanism: release.mechanism,
    epsilon: release.epsilon,
    publishedAt: release.publishedAt.toISOString(),
  };
  if (format === 'csv') {
    const header = 'category_code,category_name,area_code,area_name,period,count,status';
    const lines = rows.map(({ row }) =>
      [row.categoryCode, row.categoryName, row.areaCode, row.areaName, row.period, row.value, row.status]
        .map(csvField)
        .join(','),
    );
    // UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese names right.
    return { contentType: 'text/csv; charset=utf-8', body: `\uFEFF${[header, ...lines].join('\r\n')}\r\n` };
  }
  if (format === 'json') {
    return {
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify({ ...about, rows: rows.map(({ row }) => row) }),
    };
  }
  // GeoJSON: the rows of each area (not the city-wide totals), at the area's centroid.
  const features = rows.flatMap(({ row, areaIndex }) => {
    const centroid = areaIndex === null ? null : release.dimensions.areas[areaIndex]!.centroid;
    return centroid === null
      ? []
      : [{ type: 'Feature', geometry: { type: 'Point', coordinates: centroid }, properties: row }];
  });
  return {
    contentType: 'application/geo+json; charset=utf-8',
    body: JSON.stringify({ type: 'FeatureCollection', metadata: about, features }),
  };
}
