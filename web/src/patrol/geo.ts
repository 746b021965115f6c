/** The phone's position (navigator.geolocation gives WGS-84, as the API takes it) and distances. */

export interface Fix {
  longitude: number;
  latitude: number;
  /** Metres (95 % confidence, as the browser reports it). */
  accuracyM: number;
  at: string;
}

export function toFix(position: GeolocationPosition): Fix {
  return {
    longitude: round(position.coords.longitude),
    latitude: round(position.coords.latitude),
    accuracyM: Math.round(position.coords.accuracy),
    at: new Date(position.timestamp).toISOString(),
  };
}

/** Seven decimals: about a centimetre, more than any phone knows. */
const round = (degrees: number) => Math.round(degrees * 1e7) / 1e7;

export function currentFix(): Promise<Fix> {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) {
      reject(new Error('geolocation unavailable'));
      return;
    }
    navigator.geolocation.getCurrentPosition((p) => resolve(toFix(p)), reject, {
      enableHighAccuracy: true,
      timeout: 20_000,
      maximumAge: 15_000,
    });
  });
}

/** Great-circle distance in metres (haversine; plenty within a city). */
export function distanceMetres(a: { longitude: number; latitude: number }, b: { longitude: number; latitude: number }) {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}

/** Why the browser gave no position, in a few words. */
export function fixError(error: unknown): string {
  if (typeof GeolocationPositionError !== 'undefined' && error instanceof GeolocationPositionError) {
    return ['', 'permission denied', 'position unavailable', 'timeout'][error.code] ?? error.message;
  }
  return (error as Error).message;
}
