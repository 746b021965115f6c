import type { Map as MapLibreMap, Marker } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorText, type Reach } from '../api.ts';
import type { Answer } from '../api-shapes.ts';
import { useI18n } from '../i18n.ts';
import type { PickedPoint } from '../map.ts';
import { basemapTiles, type Collection, outlineOf, reachOutlines } from '../map-areas.ts';
import { addLabelLayers, gridLabel, labelPoints } from '../map-labels.ts';
import { useReference } from '../reference-data.ts';

type Located = Answer<'/grid/locate'>;

/** The unit grids under one area, fetched once per page (a community's, or a district's without communities). */
const gridsWithin = new Map<string, Promise<Collection>>();
function unitGridsOf(code: string): Promise<Collection> {
  let grids = gridsWithin.get(code);
  if (!grids) {
    grids = api<Collection>(`/grid/areas.geojson?${new URLSearchParams({ level: 'grid', within: code })}`);
    gridsWithin.set(code, grids);
  }
  return grids;
}

/**
 * Where a case is: a pin on a map of the city's boundaries (a click or a drag places it), the unit grid
 * it falls in (`/grid/locate`) outlined among its neighbours and named, and the longitude and latitude
 * as fields of the form (`longitude`, `latitude`, and `crs` when offered), which can also be typed, for
 * keyboards and screen readers or a point read off another map. The map and MapLibre load only when the
 * picker is shown.
 */
export function LocationPicker({
  testId,
  initial,
  reach,
  withCrs = false,
  required = false,
}: {
  /** The fields' test ids: `${testId}-longitude`, `${testId}-latitude`, `${testId}-location-grid`. */
  testId: string;
  /** The point to start from (WGS-84), e.g. the case's current place. */
  initial?: PickedPoint | null;
  /** Without a point, the map starts on these areas (a grid worker's), or on the whole city. */
  reach?: Reach;
  /** Offer the coordinate system of typed values (a point read off a GCJ-02 or BD-09 map). */
  withCrs?: boolean;
  required?: boolean;
}) {
  const { t, name } = useI18n();
  const reference = useReference();
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibreMap | null>(null);
  const pin = useRef<Marker | null>(null);
  const [longitude, setLongitude] = useState(initial ? String(initial.longitude) : '');
  const [latitude, setLatitude] = useState(initial ? String(initial.latitude) : '');
  const [crs, setCrs] = useState('wgs84');
  const [located, setLocated] = useState<Located | 'locating' | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Answers to earlier points are dropped when a later one was asked for. */
  const asked = useRef(0);

  useEffect(() => {
    let made: MapLibreMap | null = null;
    let gone = false;
    void (async () => {
      const { addAreaLayers, addBasemap, blankMap, EMPTY, fitToFeatures, pinPicker, setData } = await import(
        './location-map.ts'
      );
      const instance = await blankMap(container.current!, { zoom: 10 });
      if (gone) return instance.remove();
      made = instance;
      instance.on('load', async () => {
        addAreaLayers(instance, EMPTY);
        setData(instance, 'grids', EMPTY);
        instance.addLayer({
          id: 'grid-line',
          type: 'line',
          source: 'grids',
          minzoom: 13,
          paint: { 'line-color': '#9aa5b1', 'line-width': 0.8 },
        });
        setData(instance, 'cell', EMPTY);
        instance.addLayer({
          id: 'cell-fill',
          type: 'fill',
          source: 'cell',
          paint: { 'fill-color': '#b3261e', 'fill-opacity': 0.12 },
        });
        instance.addLayer({
          id: 'cell-line',
          type: 'line',
          source: 'cell',
          paint: { 'line-color': '#b3261e', 'line-width': 2.5 },
        });
        setData(instance, 'labels', EMPTY);
        addLabelLayers(instance, 'labels');
        const tiles = await basemapTiles();
        if (tiles) addBasemap(instance, tiles);
        pin.current = pinPicker(instance, (point) => {
          setLongitude(String(point.longitude));
          setLatitude(String(point.latitude));
          // The map is in WGS-84, whatever system was chosen for typing.
          setCrs('wgs84');
          void locate(point.longitude, point.latitude, 'wgs84');
        });
        map.current = instance;
        const start = await reachOutlines(reach, reference);
        setData(instance, 'areas', start);
        if (initial) void locate(initial.longitude, initial.latitude, 'wgs84');
        else fitToFeatures(instance, start.features, 14, 16);
        instance.getContainer().dataset.ready = 'true';
      });
    })();
    return () => {
      gone = true;
      made?.remove();
    };
    // The map is made once; `locate` reads only refs and stable setters.
  }, []);

  /** Places the pin, asks which unit grid the point is in, and outlines it among its neighbours. */
  const locate = async (lon: number, lat: number, system: string) => {
    const ask = ++asked.current;
    setLocated('locating');
    setError(null);
    try {
      const answer = await api<Located>(
        `/grid/locate?${new URLSearchParams({ lon: String(lon), lat: String(lat), crs: system })}`,
      );
      if (ask !== asked.current) return;
      setLocated(answer);
      const instance = map.current;
      if (!instance) return;
      const { setData, EMPTY } = await import('./location-map.ts');
      pin.current?.setLngLat([answer.longitude, answer.latitude]).addTo(instance);
      instance.easeTo({
        center: [answer.longitude, answer.latitude],
        zoom: Math.max(instance.getZoom(), 16),
        duration: 0,
      });
      const finest = answer.path.at(-1);
      if (!answer.code || !finest) {
        setData(instance, 'cell', EMPTY);
        return;
      }
      const holder = finest.level === 'grid' ? answer.path.at(-2) : undefined;
      const neighbours = holder ? (await unitGridsOf(holder.code)).features : [];
      const cell = holder
        ? neighbours.filter((f) => f.properties.code === answer.code)
        : (await outlineOf(answer.code, finest.level)).features;
      if (ask !== asked.current) return;
      setData(instance, 'grids', { type: 'FeatureCollection', features: neighbours });
      setData(instance, 'cell', { type: 'FeatureCollection', features: cell });
      const label = (p: Record<string, unknown>) => gridLabel(name(p as { nameZh: string; nameEn: string }));
      setData(instance, 'labels', labelPoints(neighbours, label));
    } catch (e) {
      if (ask === asked.current) {
        setLocated(null);
        setError(errorText(e));
      }
    }
  };

  /** Typed coordinates are located once both are numbers (on change: when a field is left or Enter pressed). */
  const typed = (lon: string, lat: string, system: string) => {
    const [x, y] = [Number(lon), Number(lat)];
    if (lon.trim() && lat.trim() && Number.isFinite(x) && Number.isFinite(y)) void locate(x, y, system);
  };

  const value = (event: Event) => (event.target as HTMLInputElement).value;
  return (
    <div class="location-picker">
      <p class="hint" id={`${testId}-location-hint`}>
        {t('pickOnMap')}
      </p>
      <div
        class="location-map"
        ref={container}
        role="application"
        aria-label={t('pickOnMap')}
        data-testid={`${testId}-location-map`}
      />
      <p class="location-grid" data-testid={`${testId}-location-grid`} aria-live="polite">
        {located === 'locating' && <span class="hint">{t('locating')}</span>}
        {located &&
          located !== 'locating' &&
          (located.code ? (
            <>
              {t('locatedIn')}: <strong>{located.code}</strong> ·{' '}
              {located.path
                .filter((a) => a.level !== 'city')
                .map((a) => (a.level === 'grid' ? gridLabel(name(a)) : name(a)))
                .join(' › ')}
            </>
          ) : (
            <span class="hint">{t('outsideGrids')}</span>
          ))}
        {error && <span class="error">{error}</span>}
      </p>
      <div class="row">
        <label>
          {t('longitude')}
          <input
            name="longitude"
            type="number"
            step="any"
            min={-180}
            max={180}
            required={required}
            value={longitude}
            aria-describedby={`${testId}-location-hint`}
            onInput={(e) => setLongitude(value(e))}
            onChange={(e) => typed(value(e), latitude, crs)}
            data-testid={`${testId}-longitude`}
          />
        </label>
        <label>
          {t('latitude')}
          <input
            name="latitude"
            type="number"
            step="any"
            min={-90}
            max={90}
            required={required}
            value={latitude}
            aria-describedby={`${testId}-location-hint`}
            onInput={(e) => setLatitude(value(e))}
            onChange={(e) => typed(longitude, value(e), crs)}
            data-testid={`${testId}-latitude`}
          />
        </label>
        {withCrs && (
          <label>
            {t('coordinateSystem')}
            <select
              name="crs"
              value={crs}
              onChange={(e) => {
                setCrs(value(e));
                typed(longitude, latitude, value(e));
              }}
            >
              <option value="wgs84">{t('crsWgs84')}</option>
              <option value="gcj02">{t('crsGcj02')}</option>
              <option value="bd09">{t('crsBd09')}</option>
            </select>
          </label>
        )}
      </div>
    </div>
  );
}
