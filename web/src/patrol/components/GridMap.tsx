import type { Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'preact/hooks';
import { addAreaLayers, blankMap, boundsOf, EMPTY, fitToFeatures, setData, statusColour } from '../../map.ts';
import type { Features } from '../data.ts';
import type { Fix } from '../geo.ts';

const MIN_HEIGHT = 220;
const MAX_HEIGHT = 420;

export interface GridMapProps {
  /** The outlines of the worker's areas; the map zooms to them. */
  areas: Features | null;
  /** Their unit grid cells; the visited ones are filled. */
  grids: Features | null;
  visited: string[];
  /** Open cases as points, coloured by status; tasks get a ring. */
  cases: Features | null;
  tasks: string[];
  /** The phone's position. */
  position: Fix | null;
  onCase(caseNumber: string): void;
}

/**
 * The worker's grid: their areas' boundaries, their unit grid cells (those visited this week filled),
 * the open cases and their verification tasks.
 */
export function GridMap(props: GridMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const onCase = useRef(props.onCase);
  onCase.current = props.onCase;

  useEffect(() => {
    let made: MapLibreMap | null = null;
    let gone = false;
    void blankMap(container.current!).then((instance) => {
      if (gone) return instance.remove();
      made = instance;
      instance.on('load', () => layers(instance));
    });
    return () => {
      gone = true;
      made?.remove();
    };
  }, []);

  /** The sources and layers, empty until the data comes. */
  const layers = (made: MapLibreMap) => {
    addAreaLayers(made, EMPTY);
    setData(made, 'grids', EMPTY);
    made.addLayer({
      id: 'grid-visited',
      type: 'fill',
      source: 'grids',
      filter: ['in', ['get', 'code'], ['literal', []]],
      paint: { 'fill-color': '#34a853', 'fill-opacity': 0.45 },
    });
    made.addLayer({
      id: 'grid-line',
      type: 'line',
      source: 'grids',
      minzoom: 14,
      paint: { 'line-color': '#9aa5b1', 'line-width': 0.5 },
    });
    setData(made, 'cases', EMPTY);
    made.addLayer({
      id: 'task-ring',
      type: 'circle',
      source: 'cases',
      filter: ['in', ['get', 'caseNumber'], ['literal', []]],
      paint: {
        'circle-radius': 11,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-width': 3,
        'circle-stroke-color': '#b3261e',
      },
    });
    made.addLayer({
      id: 'case-points',
      type: 'circle',
      source: 'cases',
      paint: {
        'circle-radius': 6,
        'circle-stroke-width': 1.5,
        'circle-stroke-color': '#ffffff',
        'circle-color': statusColour,
      },
    });
    setData(made, 'me', EMPTY);
    made.addLayer({
      id: 'me',
      type: 'circle',
      source: 'me',
      paint: {
        'circle-radius': 7,
        'circle-color': '#1a73e8',
        'circle-stroke-width': 3,
        'circle-stroke-color': '#ffffff',
      },
    });
    for (const layer of ['case-points', 'task-ring']) {
      made.on('click', layer, (event) => {
        const number = event.features?.[0]?.properties?.caseNumber;
        if (typeof number === 'string') onCase.current(number);
      });
    }
    setMap(made);
  };

  useEffect(() => {
    if (!map || !props.areas) return;
    setData(map, 'areas', props.areas);
    // As tall as the areas need at this width (a wide district leaves no empty band above and below).
    const box = boundsOf(props.areas.features);
    const element = container.current;
    if (box && element) {
      const middle = ((box[1] + box[3]) / 2) * (Math.PI / 180);
      const aspect = ((box[2] - box[0]) * Math.cos(middle)) / Math.max(box[3] - box[1], 1e-9);
      const height = Math.round(Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, element.clientWidth / aspect + 40)));
      element.style.height = `${height}px`;
      map.resize();
    }
    fitToFeatures(map, props.areas.features, 15, 16);
  }, [map, props.areas]);

  useEffect(() => {
    if (map && props.grids) setData(map, 'grids', props.grids);
  }, [map, props.grids]);

  useEffect(() => {
    map?.setFilter('grid-visited', ['in', ['get', 'code'], ['literal', props.visited]]);
  }, [map, props.visited]);

  useEffect(() => {
    if (!map) return;
    setData(map, 'cases', props.cases ?? EMPTY);
    map.setFilter('task-ring', ['in', ['get', 'caseNumber'], ['literal', props.tasks]]);
  }, [map, props.cases, props.tasks]);

  useEffect(() => {
    if (!map) return;
    const here = props.position;
    setData(map, 'me', {
      type: 'FeatureCollection',
      features: here
        ? [
            {
              type: 'Feature',
              properties: {},
              geometry: { type: 'Point', coordinates: [here.longitude, here.latitude] },
            },
          ]
        : [],
    });
  }, [map, props.position]);

  return <div class="p-map" ref={container} data-testid="grid-map" data-ready={map ? 'true' : 'false'} />;
}
