import type { Map as MapLibreMap, Marker } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PublicCase } from '../../api.ts';
import type { PickedPoint } from '../../map.ts';
import { basemapTiles, type Collection } from '../../map-areas.ts';

type MapLibrary = typeof import('../../components/location-map.ts');

/**
 * Where the problem is: a tap on the map (or a drag of the pin) places it; the open cases already reported
 * nearby are drawn as numbered dots, matching the "is it one of these?" list below the map.
 */
export function ReportMap({
  outlines,
  point,
  nearby,
  label,
  focus,
  onPick,
}: {
  outlines: Collection;
  point: PickedPoint | null;
  nearby: PublicCase[];
  label: string;
  /** An area the resident's address named: outlined, and the map moves to it. */
  focus: Collection | null;
  onPick(point: PickedPoint): void;
}) {
  const container = useRef<HTMLElement>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const lib = useRef<MapLibrary | null>(null);
  const pin = useRef<Marker | null>(null);
  const onPickRef = useRef(onPick);
  onPickRef.current = onPick;

  useEffect(() => {
    let made: MapLibreMap | null = null;
    let gone = false;
    // MapLibre (about 1 MB) loads with the map, after the page's words: on a slow phone the list comes first.
    void import('../../components/location-map.ts').then(async (loaded) => {
      lib.current = loaded;
      const instance = await loaded.blankMap(container.current!, { zoom: 11 });
      if (gone) return instance.remove();
      made = instance;
      pin.current = loaded.pinPicker(instance, (picked) => onPickRef.current(picked));
      instance.on('load', async () => {
        loaded.addAreaLayers(instance, outlines);
        // The city's own tiles under the boundaries, where it configured them (MAP_TILE_URL).
        const tiles = await basemapTiles();
        if (tiles) loaded.addBasemap(instance, tiles);
        loaded.setData(instance, 'nearby', { type: 'FeatureCollection', features: [] });
        instance.addLayer({
          id: 'nearby-points',
          type: 'circle',
          source: 'nearby',
          paint: {
            'circle-radius': 10,
            'circle-color': '#1d4ed8',
            'circle-stroke-color': '#ffffff',
            'circle-stroke-width': 2,
          },
        });
        instance.addLayer({
          id: 'nearby-labels',
          type: 'symbol',
          source: 'nearby',
          layout: { 'text-field': ['get', 'n'], 'text-size': 12, 'text-allow-overlap': true },
          paint: { 'text-color': '#ffffff' },
        });
        loaded.setData(instance, 'focus', { type: 'FeatureCollection', features: [] });
        instance.addLayer({
          id: 'focus-line',
          type: 'line',
          source: 'focus',
          paint: { 'line-color': '#b3261e', 'line-width': 3 },
        });
        if (!point) loaded.fitToFeatures(instance, outlines.features, 13, 8);
        setMap(instance);
      });
    });
    return () => {
      gone = true;
      made?.remove();
    };
  }, []);

  useEffect(() => {
    if (!map || !pin.current) return;
    if (!point) {
      pin.current.remove();
      return;
    }
    pin.current.setLngLat([point.longitude, point.latitude]).addTo(map);
    if (map.getZoom() < 15) map.easeTo({ center: [point.longitude, point.latitude], zoom: 16, duration: 0 });
  }, [map, point?.longitude, point?.latitude]);

  useEffect(() => {
    if (!map || !focus) return;
    lib.current!.setData(map, 'focus', focus);
    if (!point) lib.current!.fitToFeatures(map, focus.features, 17, 16);
  }, [map, focus]);

  useEffect(() => {
    if (!map) return;
    lib.current!.setData(map, 'nearby', {
      type: 'FeatureCollection',
      features: nearby.flatMap((c, i) =>
        c.location
          ? [
              {
                type: 'Feature' as const,
                geometry: { type: 'Point' as const, coordinates: [c.location.longitude, c.location.latitude] },
                properties: { n: String(i + 1) },
              },
            ]
          : [],
      ),
    });
  }, [map, nearby]);

  return (
    <section
      ref={container}
      class="portal-map report-map"
      aria-label={label}
      data-testid="report-map"
      data-ready={String(map !== null)}
    />
  );
}
