import 'maplibre-gl/dist/maplibre-gl.css';
import type { ExpressionSpecification, FilterSpecification, Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Area, api, type CaseSummary, type Me } from '../api.ts';
import type { Answer } from '../api-shapes.ts';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useI18n } from '../i18n.ts';
import { useCaseChanges } from '../live.ts';
import {
  addAreaLayers,
  addBasemap,
  blankMap,
  CASE_GROUPS,
  type CaseGroup,
  caseGroup,
  EMPTY,
  fitToFeatures,
  GROUP_COLOURS,
  setData,
} from '../map.ts';
import { basemapTiles, type Collection, outlineOf, reachOutlines } from '../map-areas.ts';
import { addLabelLayers, gridLabel, LABEL_ZOOMS, type LabelLevel, labelLayer, labelPoints } from '../map-labels.ts';
import { useReference } from '../reference-data.ts';
import { linkTo } from '../router.ts';

type AreaDetail = Answer<'/grid/areas/{code}'>;

interface CaseMap {
  type: 'FeatureCollection';
  features: Array<GeoJSON.Feature<GeoJSON.Point, { caseNumber: string; status: string; overdue: boolean }>>;
}

/** The level below an area that has boundaries, for drilling down (unit grids last). */
const CHILD_LEVELS = ['district', 'street', 'community', 'grid'];

const groupColour = [
  'match',
  ['get', 'group'],
  ...Object.entries(GROUP_COLOURS).flat(),
  '#000000',
] as unknown as ExpressionSpecification;

/**
 * The city on a map drawn from its own boundaries (there is no tile server): districts → streets →
 * communities → unit grids with their names at the zooms they fit, and the cases one may see as points
 * in four groups (new, in progress, overdue, closed) or as their density. Staff limited to areas (a grid
 * worker) start on their areas, the city-wide on the districts. Clicking an area drills into it;
 * clicking a unit grid shows its cases, grid workers and responsible body.
 */
export function MapPage({ initialArea, me }: { initialArea?: string | null; me: Me }) {
  const { t, name, term, language } = useI18n();
  const reference = useReference();
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibreMap | null>(null);
  const [trail, setTrail] = useState<Area[]>([]);
  const [selected, setSelected] = useState<AreaDetail | null>(null);
  const [cases, setCases] = useState<CaseSummary[]>([]);
  const [ready, setReady] = useState(false);
  const [located, setLocated] = useState<CaseMap['features']>([]);
  const [shown, setShown] = useState<Set<CaseGroup>>(new Set(CASE_GROUPS));
  const [density, setDensity] = useState(false);
  // The areas whose names are written: districts and streets always, unit grids while they are drawn.
  const [namedAreas, setNamedAreas] = useState<GeoJSON.Feature[]>([]);
  const [drawnGrids, setDrawnGrids] = useState<GeoJSON.Feature[]>([]);
  /** The area whose children are drawn (null: the city's districts, or one's own areas). */
  const drawnWithin = useRef<string | null>(null);

  useEffect(() => {
    let made: MapLibreMap | null = null;
    let gone = false;
    void blankMap(container.current!, { zoom: 8 }).then((instance) => {
      if (gone) return instance.remove();
      made = instance;
      map.current = instance;
      instance.on('load', () => void start(instance));
    });
    return () => {
      gone = true;
      made?.remove();
    };
    // The map is made once; `start` and `open` read only refs and stable setters.
  }, []);

  const start = async (instance: MapLibreMap) => {
    addAreaLayers(instance, EMPTY);
    // A district's thousands of unit grids would hatch it dark from afar: their lines fade in from zoom 12.
    instance.setPaintProperty('area-line', 'line-opacity', [
      'interpolate',
      ['linear'],
      ['zoom'],
      12,
      ['match', ['get', 'level'], 'grid', 0, 1],
      14,
      1,
    ]);
    setData(instance, 'selected', EMPTY);
    instance.addLayer({
      id: 'selected-line',
      type: 'line',
      source: 'selected',
      paint: { 'line-color': '#b3261e', 'line-width': 3 },
    });
    setData(instance, 'cases', EMPTY);
    instance.addLayer({
      id: 'case-heat',
      type: 'heatmap',
      source: 'cases',
      layout: { visibility: 'none' },
      paint: {
        'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 8, 10, 15, 30],
        'heatmap-intensity': ['interpolate', ['linear'], ['zoom'], 8, 1, 15, 2.5],
        'heatmap-opacity': 0.8,
      },
    });
    instance.addLayer({
      id: 'case-points',
      type: 'circle',
      source: 'cases',
      paint: {
        'circle-radius': ['match', ['get', 'group'], 'overdue', 6.5, 'closed', 4, 5.5],
        'circle-stroke-width': 1,
        'circle-stroke-color': ['match', ['get', 'group'], 'overdue', '#4a0d0b', '#ffffff'],
        'circle-color': groupColour,
      },
    });
    setData(instance, 'labels', EMPTY);
    addLabelLayers(instance, 'labels');
    const tiles = await basemapTiles();
    if (tiles) addBasemap(instance, tiles);
    instance.on('click', 'area-fill', (event) => {
      const code = event.features?.[0]?.properties?.code;
      if (typeof code === 'string') void open(code);
    });
    instance.on('mouseenter', 'area-fill', () => {
      instance.getCanvas().style.cursor = 'pointer';
    });
    instance.on('mouseleave', 'area-fill', () => {
      instance.getCanvas().style.cursor = '';
    });
    // What the map draws, for tests and bug reports: labels per level, case points, the view's bounds.
    instance.on('idle', () => {
      const drawn = (layer: string) =>
        new Set(
          instance.queryRenderedFeatures({ layers: [layer] }).map((f) => f.properties.caseNumber ?? f.properties.code),
        ).size;
      const box = instance.getContainer();
      box.dataset.labels = (Object.keys(LABEL_ZOOMS) as LabelLevel[])
        .map((level) => `${level}:${drawn(labelLayer(level))}`)
        .join(',');
      box.dataset.pointsDrawn = String(drawn('case-points'));
      box.dataset.bounds = instance.getBounds().toArray().flat().join(',');
    });
    const [named, mapped] = await Promise.all([
      api<Collection>('/grid/areas.geojson?level=district&level=street'),
      api<CaseMap>('/cases/map'),
    ]);
    setNamedAreas(named.features);
    showCases(instance, mapped);
    setReady(true);
  };

  /** The cases' points, grouped for their colours. */
  const showCases = (instance: MapLibreMap, mapped: CaseMap) => {
    for (const feature of mapped.features) {
      (feature.properties as Record<string, unknown>).group = caseGroup(
        feature.properties.status,
        feature.properties.overdue,
      );
    }
    setData(instance, 'cases', mapped);
    setLocated(mapped.features);
  };

  // A case reported or moved on anywhere redraws the points (live); the view stays where it is.
  useCaseChanges(() => {
    const instance = map.current;
    if (!instance) return;
    void api<CaseMap>('/cases/map').then((mapped) => showCases(instance, mapped));
  }, ready);

  useEffect(() => {
    const instance = map.current;
    if (!ready || !instance) return;
    const label = (p: Record<string, unknown>) => name(p as { nameZh: string; nameEn: string });
    setData(instance, 'labels', {
      type: 'FeatureCollection',
      features: [
        ...labelPoints(namedAreas, label).features,
        ...labelPoints(drawnGrids, (p) => gridLabel(label(p))).features,
      ],
    });
  }, [ready, namedAreas, drawnGrids, language]);

  useEffect(() => {
    const instance = map.current;
    if (!ready || !instance) return;
    const filter: FilterSpecification = ['in', ['get', 'group'], ['literal', [...shown]]];
    instance.setFilter('case-points', filter);
    instance.setFilter('case-heat', filter);
    instance.setLayoutProperty('case-heat', 'visibility', density ? 'visible' : 'none');
    instance.setLayoutProperty('case-points', 'visibility', density ? 'none' : 'visible');
  }, [ready, shown, density]);

  /** Draws areas (and, for unit grids, writes their numbers) and fits the map to them. */
  const drawAreas = (instance: MapLibreMap, features: Collection['features']) => {
    setData(instance, 'areas', { type: 'FeatureCollection', features });
    setDrawnGrids(features.filter((f) => f.properties.level === 'grid'));
    fitToFeatures(instance, features, 14, 30);
  };

  /** Shows the areas one level below `parent` (the districts of the city when there is none). */
  const showChildren = async (parent: Area | null) => {
    const instance = map.current;
    if (!instance) return;
    drawnWithin.current = parent?.code ?? null;
    for (const level of parent ? CHILD_LEVELS.slice(CHILD_LEVELS.indexOf(nextLevel(parent.level))) : ['district']) {
      const query = new URLSearchParams({ level });
      if (parent) query.set('within', parent.code);
      const children = await api<Collection>(`/grid/areas.geojson?${query}`);
      const inside = children.features.filter((f) => f.properties.code !== parent?.code);
      if (inside.length === 0) continue;
      drawAreas(instance, inside);
      return;
    }
  };

  const open = async (code: string) => {
    const detail = await api<AreaDetail>(`/grid/areas/${code}`);
    history.replaceState(null, '', `/map?area=${code}`);
    setSelected(detail);
    setTrail(detail.path);
    const instance = map.current;
    const own = await outlineOf(code, detail.level);
    if (instance) setData(instance, 'selected', own);
    if (detail.level !== 'grid') await showChildren(detail);
    else if (instance && own.features.length) {
      // A unit grid among its neighbours, close enough to read their numbers (100 m is ~140 px at 17).
      const parent = detail.path.at(-2);
      if (parent && drawnWithin.current !== parent.code) await showChildren(parent);
      fitToFeatures(instance, own.features, 17, 30);
    }
    setCases((await api<{ items: CaseSummary[] }>(`/cases?gridCode=${code}&limit=20`)).items);
  };

  /** Staff limited to areas start on them (one area: opened); everyone else on the city's districts. */
  const showOwnAreas = async () => {
    const reach = me.jurisdiction;
    if (!Array.isArray(reach) || reach.length === 0) return showChildren(null);
    if (reach.length === 1) return open(reach[0]!);
    const instance = map.current;
    drawnWithin.current = null;
    if (instance) drawAreas(instance, (await reachOutlines(reach, reference)).features);
  };

  useEffect(() => {
    // Once the map is ready: the area named in the address (/map?area=430102), else one's own areas.
    if (ready) void (initialArea ? open(initialArea) : showOwnAreas());
  }, [ready]);

  const counts = new Map<CaseGroup, number>(CASE_GROUPS.map((g) => [g, 0]));
  for (const f of located) {
    const group = (f.properties as Record<string, unknown>).group as CaseGroup;
    counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  const toggle = (group: CaseGroup) => {
    const next = new Set(shown);
    if (next.has(group)) next.delete(group);
    else next.add(group);
    setShown(next);
  };

  return (
    <section class="map-page">
      <div class="map-side" data-testid="map-side">
        <nav class="trail">
          <button
            type="button"
            class="link"
            onClick={() => {
              setTrail([]);
              setSelected(null);
              setCases([]);
              if (map.current) setData(map.current, 'selected', EMPTY);
              history.replaceState(null, '', '/map');
              void showChildren(null);
            }}
          >
            {name(reference.areas.find((a) => a.level === 'city') ?? { nameZh: '全市', nameEn: 'City' })}
          </button>
          {trail
            .filter((a) => a.level !== 'city')
            .map((a) => (
              <span key={a.code}>
                {' › '}
                <button type="button" class="link" onClick={() => void open(a.code)}>
                  {name(a)}
                </button>
              </span>
            ))}
        </nav>
        <p class="hint" data-testid="map-case-count">
          {t('mapCases')}: {located.length}
        </p>
        <fieldset class="map-filters">
          <legend>{t('mapShow')}</legend>
          <ul class="legend">
            {CASE_GROUPS.map((group) => (
              <li key={group}>
                <label>
                  <input
                    type="checkbox"
                    checked={shown.has(group)}
                    onChange={() => toggle(group)}
                    data-testid={`map-filter-${group}`}
                  />
                  <span class={`swatch ${group}`} style={{ background: GROUP_COLOURS[group] }} />{' '}
                  {term(`group_${group}`)}{' '}
                  <span class="hint" data-testid={`map-count-${group}`}>
                    {counts.get(group)}
                  </span>
                </label>
              </li>
            ))}
          </ul>
          <label class="map-density">
            <input type="checkbox" checked={density} onChange={() => setDensity(!density)} data-testid="map-density" />{' '}
            {t('mapDensity')}
          </label>
        </fieldset>
        {selected && (
          <div class="area-card" data-testid="area-card">
            <h2>
              {name(selected)} <span class="case-number">{selected.code}</span>
            </h2>
            <dl>
              <dt>{t('gridWorkers')}</dt>
              <dd>{selected.workers.map((w) => w.displayName).join('、') || '—'}</dd>
              <dt>{t('responsibleBody')}</dt>
              <dd>{selected.responsibleBody ? name(selected.responsibleBody) : '—'}</dd>
            </dl>
            <h3>{t('cases')}</h3>
            <ul class="area-cases">
              {cases.map((c) => (
                <li key={c.caseNumber}>
                  <a {...linkTo(`/cases/${c.caseNumber}`)}>{c.caseNumber}</a> <StatusBadge status={c.status} />{' '}
                  {c.title}
                </li>
              ))}
              {cases.length === 0 && <li class="hint">{t('noCases')}</li>}
            </ul>
          </div>
        )}
      </div>
      <div class="map" ref={container} data-testid="map" />
    </section>
  );
}

function nextLevel(level: string): string {
  return level === 'city' ? 'district' : (CHILD_LEVELS[CHILD_LEVELS.indexOf(level) + 1] ?? 'grid');
}
