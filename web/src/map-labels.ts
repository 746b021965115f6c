/**
 * Where an area's name is written on a map, and the label layers that write it.
 *
 * The labels are MapLibre symbol layers on a style with no `glyphs` URL: MapLibre (6.x) then draws every
 * glyph itself from the browser's own fonts (TinySDF on a canvas), so no font or glyph file is fetched
 * from anywhere, which a city's intranet or an offline patrol phone could not do anyway. Chinese names
 * take whatever CJK font the system has (Windows, macOS and Android ship one; a bare Linux needs e.g.
 * fonts-noto-cjk or fonts-wqy-zenhei, which .ci/run installs for the browser tests). Labels drawn as
 * HTML markers instead would not be placed around each other (MapLibre drops colliding symbols) and
 * thousands of unit grids would be thousands of DOM nodes.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';

type Ring = number[][];
type Polygonal = GeoJSON.Polygon | GeoJSON.MultiPolygon;

/** The level of an area's label, and the zooms it is written at (a city's districts to its 100 m grids). */
export const LABEL_ZOOMS = {
  district: { min: 0, max: 13.5, size: 15 },
  street: { min: 11.5, max: 16, size: 13 },
  grid: { min: 15.5, max: 24, size: 11 },
} as const;
export type LabelLevel = keyof typeof LABEL_ZOOMS;

/** One point per area, inside it, carrying the text to write and the area's level. */
export function labelPoints(
  areas: GeoJSON.Feature[],
  text: (properties: Record<string, unknown>) => string,
): GeoJSON.FeatureCollection<GeoJSON.Point> {
  const features: GeoJSON.Feature<GeoJSON.Point>[] = [];
  for (const area of areas) {
    const geometry = area.geometry as Polygonal | null;
    if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) continue;
    const point = labelPoint(geometry);
    const properties = area.properties ?? {};
    if (point)
      features.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: point },
        properties: { level: properties.level, code: properties.code, label: text(properties) },
      });
  }
  return { type: 'FeatureCollection', features };
}

/** A unit grid's label: its number within its community (the generated name less the community's code). */
export function gridLabel(name: string): string {
  return name.replace(/^\d+\s*/, '');
}

/**
 * The point of the area's largest polygon furthest from its edges (the "pole of inaccessibility",
 * Mapbox's polylabel algorithm): a centroid can fall outside a crescent-shaped district.
 */
export function labelPoint(geometry: Polygonal): [number, number] | null {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let largest: Ring[] | null = null;
  let largestArea = 0;
  for (const rings of polygons) {
    const area = Math.abs(ringArea(rings[0] ?? []));
    if (area > largestArea) [largest, largestArea] = [rings, area];
  }
  return largest ? poleOfInaccessibility(largest) : null;
}

function ringArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  }
  return sum / 2;
}

interface Cell {
  x: number;
  y: number;
  half: number;
  /** Distance from the centre to the outline (negative outside). */
  distance: number;
  /** The most any point of the cell can be from the outline. */
  potential: number;
}

function poleOfInaccessibility(rings: Ring[]): [number, number] {
  const outer = rings[0]!;
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of outer) {
    minX = Math.min(minX, x!);
    minY = Math.min(minY, y!);
    maxX = Math.max(maxX, x!);
    maxY = Math.max(maxY, y!);
  }
  const size = Math.min(maxX - minX, maxY - minY);
  if (size === 0) return [minX, minY];
  const precision = Math.max(maxX - minX, maxY - minY) / 200;
  const cell = (x: number, y: number, half: number): Cell => {
    const distance = signedDistance(x, y, rings);
    return { x, y, half, distance, potential: distance + half * Math.SQRT2 };
  };
  const queue: Cell[] = [];
  for (let x = minX; x < maxX; x += size) {
    for (let y = minY; y < maxY; y += size) queue.push(cell(x + size / 2, y + size / 2, size / 2));
  }
  let best = cell((minX + maxX) / 2, (minY + maxY) / 2, 0);
  while (queue.length) {
    // The cell that may hold the furthest point first (a linear scan: the queue stays small).
    let top = 0;
    for (let i = 1; i < queue.length; i++) if (queue[i]!.potential > queue[top]!.potential) top = i;
    const current = queue.splice(top, 1)[0]!;
    if (current.distance > best.distance) best = current;
    if (current.potential - best.distance <= precision) break;
    const half = current.half / 2;
    for (const [dx, dy] of [
      [-1, -1],
      [1, -1],
      [-1, 1],
      [1, 1],
    ]) {
      queue.push(cell(current.x + dx! * half, current.y + dy! * half, half));
    }
  }
  return [best.x, best.y];
}

/** Distance from a point to the polygon's outline: positive inside, negative outside (even-odd rule). */
function signedDistance(x: number, y: number, rings: Ring[]): number {
  let inside = false;
  let nearest = Infinity;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ax, ay] = ring[i]! as [number, number];
      const [bx, by] = ring[j]! as [number, number];
      if (ay > y !== by > y && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) inside = !inside;
      nearest = Math.min(nearest, segmentDistanceSquared(x, y, ax, ay, bx, by));
    }
  }
  return (inside ? 1 : -1) * Math.sqrt(nearest);
}

function segmentDistanceSquared(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  let [x, y, dx, dy] = [ax, ay, bx - ax, by - ay];
  if (dx !== 0 || dy !== 0) {
    const t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy);
    if (t > 1) [x, y] = [bx, by];
    else if (t > 0) [x, y] = [ax + dx * t, ay + dy * t];
  }
  return (px - x) ** 2 + (py - y) ** 2;
}

/** The id of the symbol layer writing one level's labels. */
export const labelLayer = (level: LabelLevel) => `label-${level}`;

/** Symbol layers writing the labels of a point source (from `labelPoints`), each level at its zooms. */
export function addLabelLayers(map: MapLibreMap, source: string) {
  for (const [level, zooms] of Object.entries(LABEL_ZOOMS) as Array<[LabelLevel, (typeof LABEL_ZOOMS)[LabelLevel]]>) {
    map.addLayer({
      id: labelLayer(level),
      type: 'symbol',
      source,
      minzoom: zooms.min,
      maxzoom: zooms.max,
      filter: ['==', ['get', 'level'], level],
      layout: {
        'text-field': ['get', 'label'],
        'text-font': ['sans-serif'],
        'text-size': zooms.size,
        'text-max-width': 8,
        // Districts are few and matter most: they are placed first and never hidden by a grid's number.
        'symbol-sort-key': level === 'district' ? 0 : level === 'street' ? 1 : 2,
      },
      paint: {
        'text-color': level === 'grid' ? '#5f6368' : '#202124',
        'text-halo-color': '#ffffff',
        'text-halo-width': 1.5,
      },
    });
  }
}
