import 'maplibre-gl/dist/maplibre-gl.css';
import type { GeoJSONSource } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Area, api, type CaseSummary } from '../api.ts';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useI18n } from '../i18n.ts';
import { BLANK_STYLE, fitToFeatures, maplibregl, STATUS_COLOURS } from '../map.ts';
import { useReference } from '../reference-data.ts';
import { linkTo } from '../router.ts';

interface AreaDetail extends Area {
  path: Area[];
  workers: Array<{ username: string; displayName: string; assignedArea: string }>;
  responsibleBody: { code: string; nameZh: string; nameEn: string; assignedArea: string } | null;
}

type Collection = GeoJSON.FeatureCollection<GeoJSON.Geometry, Record<string, unknown>>;

/** The level below an area that has boundaries, for drilling down (unit grids last). */
const CHILD_LEVELS = ['district', 'street', 'community', 'grid'];

/**
 * The city on a map drawn from its own boundaries only (there is no tile server): districts → streets →
 * communities → unit grids, and the cases one may see as points coloured by status. Clicking an area
 * drills into it; clicking a unit grid shows its cases, grid workers and responsible body.
 */
export function MapPage({ initialArea }: { initialArea?: string | null }) {
  const { t, name, term } = useI18n();
  const { areas } = useReference();
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<maplibregl.Map | null>(null);
  const [trail, setTrail] = useState<Area[]>([]);
  const [selected, setSelected] = useState<AreaDetail | null>(null);
  const [cases, setCases] = useState<CaseSummary[]>([]);
  const [ready, setReady] = useState(false);
  const [casesShown, setCasesShown] = useState(0);

  useEffect(() => {
    if (!container.current) return;
    const instance = new maplibregl.Map({
      container: container.current,
      style: BLANK_STYLE,
      center: [112.98, 28.2],
      zoom: 8,
      attributionControl: false,
    });
    instance.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    instance.on('load', async () => {
      instance.addSource('areas', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      instance.addLayer({
        id: 'area-fill',
        type: 'fill',
        source: 'areas',
        paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.7 },
      });
      instance.addLayer({
        id: 'area-line',
        type: 'line',
        source: 'areas',
        paint: { 'line-color': '#5f6368', 'line-width': 1 },
      });
      instance.addSource('selected', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      instance.addLayer({
        id: 'selected-line',
        type: 'line',
        source: 'selected',
        paint: { 'line-color': '#b3261e', 'line-width': 3 },
      });
      instance.addSource('cases', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      instance.addLayer({
        id: 'case-points',
        type: 'circle',
        source: 'cases',
        paint: {
          'circle-radius': 5,
          'circle-stroke-width': 1,
          'circle-stroke-color': '#ffffff',
          'circle-color': [
            'match',
            ['get', 'status'],
            ...Object.entries(STATUS_COLOURS).flat(),
            '#000000',
          ] as unknown as maplibregl.ExpressionSpecification,
        },
      });
      const located = await api<Collection>('/cases/map');
      (instance.getSource('cases') as GeoJSONSource).setData(located);
      setCasesShown(located.features.length);
      setReady(true);
    });
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
    map.current = instance;
    return () => instance.remove();
    // The map is made once; `open` reads only refs and stable setters.
  }, []);

  /** Shows the areas one level below `parent` (the districts of the city when there is none). */
  const showChildren = async (parent: Area | null) => {
    const instance = map.current;
    if (!instance) return;
    for (const level of parent ? CHILD_LEVELS.slice(CHILD_LEVELS.indexOf(nextLevel(parent.level))) : ['district']) {
      const query = new URLSearchParams({ level });
      if (parent) query.set('within', parent.code);
      const children = await api<Collection>(`/grid/areas.geojson?${query}`);
      const inside = children.features.filter((f) => f.properties.code !== parent?.code);
      if (inside.length === 0) continue;
      (instance.getSource('areas') as GeoJSONSource).setData({ type: 'FeatureCollection', features: inside });
      fitToFeatures(instance, inside, 14, 30);
      return;
    }
  };

  const open = async (code: string) => {
    const detail = await api<AreaDetail>(`/grid/areas/${code}`);
    history.replaceState(null, '', `/map?area=${code}`);
    setSelected(detail);
    setTrail(detail.path);
    const instance = map.current;
    const outline = await api<Collection>(
      `/grid/areas.geojson?${new URLSearchParams({ level: detail.level, within: code })}`,
    );
    const own = outline.features.filter((f) => f.properties.code === code);
    if (instance)
      (instance.getSource('selected') as GeoJSONSource).setData({ type: 'FeatureCollection', features: own });
    if (detail.level !== 'grid') await showChildren(detail);
    else if (instance && own.length) fitToFeatures(instance, own, 15, 30);
    setCases((await api<{ items: CaseSummary[] }>(`/cases?gridCode=${code}&limit=20`)).items);
  };

  useEffect(() => {
    // Once the map is ready: the area named in the address (/map?area=430102), else the districts.
    if (ready) void (initialArea ? open(initialArea) : showChildren(null));
  }, [ready]);

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
              history.replaceState(null, '', '/map');
              void showChildren(null);
            }}
          >
            {name(areas.find((a) => a.level === 'city') ?? { nameZh: '全市', nameEn: 'City' })}
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
          {t('mapCases')}: {casesShown}
        </p>
        <ul class="legend">
          {Object.entries(STATUS_COLOURS).map(([status, colour]) => (
            <li key={status}>
              <span class="swatch" style={{ background: colour }} /> {term(status)}
            </li>
          ))}
        </ul>
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
