import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { useReference } from '../reference-data.ts';
import type { maplibregl } from './location-map.ts';

type Level = 'district' | 'street' | 'community';
const LEVELS: Level[] = ['district', 'street', 'community'];
type Areas = GeoJSON.FeatureCollection<GeoJSON.Geometry, { code: string; nameZh: string; nameEn: string }>;

/**
 * Areas picked on the map: the city's districts, streets or communities drawn at one level at a time, a
 * click choosing an area (or, with `multiple`, adding or removing it). The chosen areas are listed by name
 * under the map, and a list of the named areas does the same for keyboard and screen-reader users.
 */
export function AreaMapPicker({
  value,
  onChange,
  multiple = false,
  testId = 'area-picker',
}: {
  value: string[];
  onChange(codes: string[]): void;
  multiple?: boolean;
  testId?: string;
}) {
  const { t, name, term } = useI18n();
  const { areas, areaByCode } = useReference();
  const [level, setLevel] = useState<Level>('district');
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<maplibregl.Map | null>(null);
  const ready = useRef<Promise<maplibregl.Map> | null>(null);
  const chosen = useRef(value);
  chosen.current = value;
  const change = useRef(onChange);
  change.current = onChange;

  const toggle = (code: string) => {
    const now = chosen.current;
    if (!multiple) change.current(now[0] === code ? [] : [code]);
    else change.current(now.includes(code) ? now.filter((c) => c !== code) : [...now, code]);
  };

  useEffect(() => {
    let live = true;
    // MapLibre (about 1 MB) is loaded only when a picker is shown, not with every page of the console.
    ready.current = import('./location-map.ts').then(async ({ blankMap, maplibregl }) => {
      const created = await blankMap(container.current!);
      map.current = created;
      if (!live) created.remove();
      // Names on hover: the map has no glyphs to draw labels with offline, so the name is an HTML tooltip.
      const tip = new maplibregl.Popup({ closeButton: false, closeOnClick: false, className: 'area-tip' });
      created.on('mousemove', 'area-fill', (event) => {
        const area = event.features?.[0]?.properties as { nameZh: string; nameEn: string } | undefined;
        if (area) tip.setLngLat(event.lngLat).setText(name(area)).addTo(created);
      });
      created.on('mouseleave', 'area-fill', () => tip.remove());
      created.on('click', 'area-fill', (event) => {
        const code = event.features?.[0]?.properties?.code as string | undefined;
        if (code) toggle(code);
      });
      await created.once('load');
      created.addSource('areas', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      const fill = (id: string, opacity: number) =>
        created.addLayer({
          id,
          type: 'fill',
          source: 'areas',
          paint: { 'fill-color': '#1a73e8', 'fill-opacity': opacity },
        });
      fill('area-fill', 0.06);
      fill('area-chosen', 0.45);
      created.setFilter('area-chosen', ['in', ['get', 'code'], ['literal', chosen.current]]);
      created.addLayer({
        id: 'area-line',
        type: 'line',
        source: 'areas',
        paint: { 'line-color': '#3c4043', 'line-width': 1 },
      });
      return created;
    });
    return () => {
      live = false;
      map.current?.remove();
      map.current = null;
    };
  }, []);

  useEffect(() => {
    let live = true;
    void (async () => {
      const [shown, target, { fitToFeatures }] = await Promise.all([
        api<Areas>(`/grid/areas.geojson?level=${level}`),
        ready.current!,
        import('./location-map.ts'),
      ]);
      if (!live || map.current !== target) return;
      (target.getSource('areas') as maplibregl.GeoJSONSource).setData(shown);
      const focus = shown.features.filter((f) => chosen.current.some((code) => f.properties.code.startsWith(code)));
      fitToFeatures(target, focus.length ? focus : shown.features, 14);
    })();
    return () => {
      live = false;
    };
  }, [level]);

  useEffect(() => {
    map.current?.getLayer('area-chosen') &&
      map.current.setFilter('area-chosen', ['in', ['get', 'code'], ['literal', value]]);
  }, [value]);

  const listed = areas.filter((a) => (LEVELS as string[]).includes(a.level));
  return (
    <div class="area-picker" data-testid={testId}>
      <div class="row">
        {LEVELS.map((l) => (
          <label class="inline" key={l}>
            <input type="radio" name={`${testId}-level`} checked={level === l} onChange={() => setLevel(l)} />
            {term(`group_${l}`)}
          </label>
        ))}
      </div>
      <div class="area-picker-map" ref={container} data-testid={`${testId}-map`} />
      <p class="hint">{multiple ? t('pickAreasHint') : t('pickAreaHint')}</p>
      <ul class="chips" data-testid={`${testId}-chosen`}>
        {value.map((code) => (
          <li key={code} data-code={code}>
            {areaByCode.get(code) ? name(areaByCode.get(code)!) : code}
            <button type="button" class="link" aria-label={t('remove')} onClick={() => toggle(code)}>
              ×
            </button>
          </li>
        ))}
        {value.length === 0 && <li class="hint">{multiple ? t('noAreasChosen') : t('anyArea')}</li>}
      </ul>
      <select
        aria-label={t('chooseArea')}
        data-testid={`${testId}-list`}
        value=""
        onChange={(e) => {
          const code = e.currentTarget.value;
          if (code) toggle(code);
        }}
      >
        <option value="">{t('chooseArea')}</option>
        {listed.map((a) => (
          <option key={a.code} value={a.code}>
            {'\u00a0'.repeat((LEVELS.indexOf(a.level as Level) + 0) * 2)}
            {name(a)}
          </option>
        ))}
      </select>
    </div>
  );
}
