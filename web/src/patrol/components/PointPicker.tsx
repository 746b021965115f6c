import type { Map as MapLibreMap, Marker } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  addAreaLayers,
  blankMap,
  EMPTY,
  fitToFeatures,
  type PickedPoint as Point,
  pinPicker,
  setData,
} from '../../map.ts';
import type { Features } from '../data.ts';

export type { Point };

/**
 * Where the problem is: the GPS fix as a pin over the worker's areas; a tap on the map or a drag of the
 * pin moves it (GPS drifts between buildings).
 */
export function PointPicker({
  areas,
  grids,
  point,
  fromGps,
  onMove,
}: {
  areas: Features | null;
  /** The unit grid cells, drawn when zoomed in (which cell the problem is in). */
  grids: Features | null;
  point: Point | null;
  /** The point is a GPS fix (the map centres on it), not where the worker put the pin. */
  fromGps: boolean;
  onMove(point: Point): void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const marker = useRef<Marker | null>(null);
  const onMoveRef = useRef(onMove);
  onMoveRef.current = onMove;

  useEffect(() => {
    let made: MapLibreMap | null = null;
    let gone = false;
    void blankMap(container.current!, { zoom: 12 }).then((instance) => {
      if (gone) return instance.remove();
      made = instance;
      start(instance);
    });
    return () => {
      gone = true;
      made?.remove();
    };
  }, []);

  const start = (made: MapLibreMap) => {
    made.on('load', () => {
      addAreaLayers(made, EMPTY);
      setData(made, 'grids', EMPTY);
      made.addLayer({
        id: 'grid-line',
        type: 'line',
        source: 'grids',
        minzoom: 14,
        paint: { 'line-color': '#9aa5b1', 'line-width': 0.6 },
      });
      setMap(made);
    });
    marker.current = pinPicker(made, (point) => onMoveRef.current(point));
  };

  useEffect(() => {
    if (!map || !areas) return;
    setData(map, 'areas', areas);
    if (!point) fitToFeatures(map, areas.features, 15, 12);
  }, [map, areas]);

  useEffect(() => {
    if (map && grids) setData(map, 'grids', grids);
  }, [map, grids]);

  useEffect(() => {
    const pin = marker.current;
    if (!map || !pin) return;
    if (!point) {
      pin.remove();
      return;
    }
    pin.setLngLat([point.longitude, point.latitude]).addTo(map);
    if (fromGps) map.jumpTo({ center: [point.longitude, point.latitude], zoom: Math.max(map.getZoom(), 16) });
  }, [map, point, fromGps]);

  return <div class="p-map small" ref={container} data-testid="point-map" data-ready={map ? 'true' : 'false'} />;
}
