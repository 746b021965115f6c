/**
 * MapLibre over the city's own boundaries (there is no tile server and no internet): the pieces the
 * console's map page and the patrol app's maps share.
 */
import type { GeoJSONSource, LngLatBoundsLike, StyleSpecification } from 'maplibre-gl';
import * as maplibregl from 'maplibre-gl';
// MapLibre's worker, bundled by Vite into a file of its own (precached with the app shell).
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import type { Answer } from './api-shapes.ts';

/**
 * MapLibre's worker, handed to MapLibre as a blob of the script the page fetched: the page's fetch goes
 * through the service worker (the script is precached), whereas offline Chromium aborted the worker's own
 * request for its script (under Playwright's network emulation; the map then drew nothing). Should the
 * fetch fail, MapLibre loads the script itself (as a map made before the blob is ready does).
 */
maplibregl.setWorkerUrl(workerUrl);
const workerReady: Promise<void> = fetch(workerUrl)
  .then(async (response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const script = new Blob([await response.arrayBuffer()], { type: 'text/javascript' });
    maplibregl.setWorkerUrl(URL.createObjectURL(script));
  })
  .catch(() => maplibregl.setWorkerUrl(workerUrl));

export { maplibregl };

/** One colour per status, as on the status badges. */
export const STATUS_COLOURS: Record<string, string> = {
  reported: '#e37400',
  registered: '#1a73e8',
  dispatched: '#00897b',
  in_progress: '#0b57d0',
  returned: '#d93025',
  handled: '#188038',
  verified: '#0d652d',
  closed: '#5f6368',
  cancelled: '#9aa0a6',
  reopened: '#b3261e',
  suspended: '#8430ce',
};

/**
 * How a map reads the cases: four groups, not a colour per status (eleven colours cannot be told apart
 * on a map). Overdue wins over the status; every other open status is new (waiting for the desk) or in
 * progress (with a body, or with the grid for verification).
 */
export const CASE_GROUPS = ['new', 'in_progress', 'overdue', 'closed'] as const;
export type CaseGroup = (typeof CASE_GROUPS)[number];

/** Told apart by lightness as well as hue (red-green colour blindness); overdue is also drawn larger. */
export const GROUP_COLOURS: Record<CaseGroup, string> = {
  new: '#e8a200',
  in_progress: '#1a66c9',
  overdue: '#c5221f',
  closed: '#9aa0a6',
};

const NEW_STATUSES = new Set(['reported', 'registered', 'returned', 'reopened']);
const FINISHED_STATUSES = new Set(['closed', 'cancelled', 'merged']);

export function caseGroup(status: string, overdue: boolean): CaseGroup {
  if (FINISHED_STATUSES.has(status)) return 'closed';
  if (overdue) return 'overdue';
  return NEW_STATUSES.has(status) ? 'new' : 'in_progress';
}

/** A style with no tiles: a plain background the boundaries are drawn on. */
export const BLANK_STYLE: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef2f5' } }],
};

export const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

/** The box around features, or null when there is nothing. */
export function boundsOf(features: GeoJSON.Feature[]): [number, number, number, number] | null {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      minX = Math.min(minX, c[0] as number);
      maxX = Math.max(maxX, c[0] as number);
      minY = Math.min(minY, c[1] as number);
      maxY = Math.max(maxY, c[1] as number);
    } else if (Array.isArray(c)) for (const item of c) visit(item);
  };
  for (const f of features) if (f.geometry && 'coordinates' in f.geometry) visit(f.geometry.coordinates);
  return Number.isFinite(minX) ? [minX, minY, maxX, maxY] : null;
}

export function fitToFeatures(map: maplibregl.Map, features: GeoJSON.Feature[], maxZoom = 15, padding = 24) {
  const box = boundsOf(features);
  if (box) map.fitBounds(box as LngLatBoundsLike, { padding, maxZoom, duration: 0 });
}

/** A map on the blank style, without attribution (there is nothing to attribute) and without rotation. */
export async function blankMap(
  container: HTMLElement,
  options: Partial<maplibregl.MapOptions> = {},
): Promise<maplibregl.Map> {
  await workerReady;
  const map = new maplibregl.Map({
    container,
    style: BLANK_STYLE,
    center: [112.98, 28.2],
    zoom: 10,
    attributionControl: false,
    dragRotate: false,
    pitchWithRotate: false,
    ...options,
  });
  map.touchZoomRotate.disableRotation();
  // What went wrong (e.g. the worker did not load: nothing would be drawn), for tests and bug reports.
  map.on('error', (event) => container.setAttribute('data-map-error', String(event.error?.message ?? 'error')));
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  return map;
}

/** The colour of a case point by its status, as on the console's map and badges. */
export const statusColour = [
  'match',
  ['get', 'status'],
  ...Object.entries(STATUS_COLOURS).flat(),
  '#000000',
] as unknown as maplibregl.ExpressionSpecification;

/** Adds (or replaces the data of) a GeoJSON source. */
export function setData(map: maplibregl.Map, id: string, data: GeoJSON.GeoJSON) {
  const source = map.getSource(id) as GeoJSONSource | undefined;
  if (source) source.setData(data);
  else map.addSource(id, { type: 'geojson', data });
}

/** The outlines of the worker's areas: a light fill and a dark line. */
export function addAreaLayers(map: maplibregl.Map, areas: GeoJSON.FeatureCollection) {
  setData(map, 'areas', areas);
  map.addLayer({
    id: 'area-fill',
    type: 'fill',
    source: 'areas',
    paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.75 },
  });
  map.addLayer({
    id: 'area-line',
    type: 'line',
    source: 'areas',
    paint: { 'line-color': '#3c4650', 'line-width': ['match', ['get', 'level'], 'district', 2.5, 1] },
  });
}

export interface PickedPoint {
  longitude: number;
  latitude: number;
}

/** Degrees to 7 decimals (about 1 cm): what a tap or a drag can mean, without float noise. */
const roundDegrees = (degrees: number) => Math.round(degrees * 1e7) / 1e7;

/**
 * A point picked on the map: a tap (or click) on the map, or a drag of the pin, moves it. The pin is
 * returned unplaced: the caller puts it where the point is (`setLngLat(...).addTo(map)`).
 */
export function pinPicker(map: maplibregl.Map, onMove: (point: PickedPoint) => void): maplibregl.Marker {
  const pin = new maplibregl.Marker({ draggable: true, color: '#b3261e' });
  pin.on('dragend', () => {
    const { lng, lat } = pin.getLngLat();
    onMove({ longitude: roundDegrees(lng), latitude: roundDegrees(lat) });
  });
  map.on('click', (event) => {
    onMove({ longitude: roundDegrees(event.lngLat.lng), latitude: roundDegrees(event.lngLat.lat) });
  });
  return pin;
}

/** The raster tiles a city configured for its maps (MAP_TILE_URL, served at /grid/basemap). */
export type BasemapTiles = NonNullable<Answer<'/grid/basemap'>['tiles']>;

/**
 * Draws the city's tiles under everything else (just above the background) with their credit, and lets
 * them show through the areas' white fill.
 */
export function addBasemap(map: maplibregl.Map, tiles: BasemapTiles) {
  map.addSource('basemap', { type: 'raster', tiles: [tiles.url], tileSize: 256, attribution: tiles.attribution });
  const firstAbove = map.getStyle().layers.find((layer) => layer.id !== 'background')?.id;
  map.addLayer({ id: 'basemap', type: 'raster', source: 'basemap' }, firstAbove);
  if (map.getLayer('area-fill')) map.setPaintProperty('area-fill', 'fill-opacity', 0.15);
  map.addControl(new maplibregl.AttributionControl({ compact: true }), 'bottom-right');
}
