import { sql } from 'kysely';

const METRES_PER_DEGREE = 111_320;

export interface Point {
  longitude: number;
  latitude: number;
}

/**
 * A case's distance in metres from a point, in SQL, and the bounding box of a radius around it (so the
 * planner can use the coordinates' index first). Equirectangular: exact enough within a few hundred
 * metres, and plain SQL on both databases (PostGIS is optional).
 */
export function nearness(point: Point, radiusMetres: number) {
  const metresPerLongitude = METRES_PER_DEGREE * Math.cos((point.latitude * Math.PI) / 180);
  const dLat = radiusMetres / METRES_PER_DEGREE;
  const dLon = radiusMetres / metresPerLongitude;
  return {
    distance: sql<number>`sqrt(power((cases.longitude - ${point.longitude}) * ${metresPerLongitude}, 2) + power((cases.latitude - ${point.latitude}) * ${METRES_PER_DEGREE}, 2))`,
    box: {
      minLatitude: point.latitude - dLat,
      maxLatitude: point.latitude + dLat,
      minLongitude: point.longitude - dLon,
      maxLongitude: point.longitude + dLon,
    },
    /** The same distance, in JavaScript, to another point. */
    metresTo: (other: Point) =>
      Math.hypot(
        (other.longitude - point.longitude) * metresPerLongitude,
        (other.latitude - point.latitude) * METRES_PER_DEGREE,
      ),
  };
}
