import type { Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PublicCase } from '../../api.ts';
import { basemapTiles, type Collection } from '../../map-areas.ts';
import { navigate } from '../../router.ts';

type MapLibrary = typeof import('../../components/location-map.ts');

/**
 * Published cases as points over the city's districts; a tap on a point opens its case. The list beside
 * it says the same in words (the map is a picture of the list, for those who would rather look).
 */
export function CasesMap({ cases, outlines, label }: { cases: PublicCase[]; outlines: Collection; label: string }) {
  const container = useRef<HTMLElement>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const lib = useRef<MapLibrary | null>(null);

  useEffect(() => {
    let made: MapLibreMap | null = null;
    let gone = false;
    // MapLibre (about 1 MB) loads with the map, after the page's words: on a slow phone the list comes first.
    void import('../../components/location-map.ts').then(async (loaded) => {
      lib.current = loaded;
      const instance = await loaded.blankMap(container.current!, { zoom: 10 });
      if (gone) return instance.remove();
      made = instance;
      instance.on('load', async () => {
        loaded.addAreaLayers(instance, outlines);
        // The city's own tiles under the boundaries, where it configured them (MAP_TILE_URL).
        const tiles = await basemapTiles();
        if (tiles) loaded.addBasemap(instance, tiles);
        loaded.setData(instance, 'cases', { type: 'FeatureCollection', features: [] });
        instance.addLayer({
          id: 'case-points',
          type: 'circle',
          source: 'cases',
          paint: {
            'circle-radius': 7,
            'circle-color': loaded.statusColour,
            'circle-stroke-color': '#ffffff',
            'circle-stroke-width': 1.5,
          },
        });
        instance.on('click', 'case-points', (event) => {
          const caseNumber = event.features?.[0]?.properties?.caseNumber;
          if (typeof caseNumber === 'string') navigate(`/portal/cases/${caseNumber}`);
        });
        instance.on('mouseenter', 'case-points', () => {
          instance.getCanvas().style.cursor = 'pointer';
        });
        instance.on('mouseleave', 'case-points', () => {
          instance.getCanvas().style.cursor = '';
        });
        loaded.fitToFeatures(instance, outlines.features, 13, 8);
        setMap(instance);
      });
    });
    return () => {
      gone = true;
      made?.remove();
    };
  }, []);

  useEffect(() => {
    if (!map) return;
    const features: GeoJSON.Feature[] = cases.flatMap((c) =>
      c.location
        ? [
            {
              type: 'Feature',
              geometry: { type: 'Point', coordinates: [c.location.longitude, c.location.latitude] },
              properties: { caseNumber: c.caseNumber, status: c.status },
            },
          ]
        : [],
    );
    lib.current!.setData(map, 'cases', { type: 'FeatureCollection', features });
  }, [map, cases]);

  return (
    <section
      ref={container}
      class="portal-map"
      aria-label={label}
      data-testid="cases-map"
      data-ready={String(map !== null)}
    />
  );
}
