/** The map module with MapLibre's stylesheet: what a location picker loads when it is first shown. */
import 'maplibre-gl/dist/maplibre-gl.css';

export * from '../map.ts';
