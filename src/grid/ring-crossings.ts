type AreaGeometry = GeoJSON.Polygon | GeoJSON.MultiPolygon;

/**
 * Positions closer than this to a line (in degrees, about 0.1 mm) lie on it: official boundary files
 * are digitised to a vertex of one part lying on the edge of another, and floating point puts that
 * vertex a hair to either side.
 */
const ON_LINE_DEGREES = 1e-9;

interface Ring {
  /** 0-based place of the polygon in the geometry, and of the ring in its polygon (0: the outer ring). */
  polygon: number;
  ring: number;
  /** Closed, without repeated consecutive positions. */
  points: number[][];
}

interface Segment {
  ring: number;
  /** Position of the segment in its ring: it runs from points[index] to points[index + 1]. */
  index: number;
  ax: number;
  ay: number;
  bx: number;
  by: number;
}

type Contact =
  | { kind: 'cross'; x: number; y: number }
  | { kind: 'overlap'; x: number; y: number }
  | { kind: 'touch'; x: number; y: number };

/**
 * Where the rings of a polygon or multipolygon cross, if anywhere, said for a person to find it: "polygon 2,
 * hole 1 crosses itself near …". The rule is the OGC Simple Features one: a ring is simple (it never meets
 * itself, not even at a vertex), and two rings (the parts of a MultiPolygon, a hole and its outer ring)
 * may touch at single points but never cross, nor run along the same edge. Parts that only touch at a
 * vertex are valid geometry (the official NYC community districts have them where two islands meet) and
 * pass; a bow-tie, a part crossing another, or two parts crossing through one shared vertex do not.
 *
 * Segments are swept in order of their west end, so a boundary of 8,000 positions is checked in well
 * under a second.
 */
export function ringCrossing(geometry: AreaGeometry): string | null {
  const multi = geometry.type === 'MultiPolygon';
  const rings = ringsOf(geometry);
  const segments = rings.flatMap((ring, r) =>
    ring.points.slice(1).map((b, i) => {
      const a = ring.points[i]!;
      return { ring: r, index: i, ax: a[0]!, ay: a[1]!, bx: b[0]!, by: b[1]! };
    }),
  );
  segments.sort((s, t) => Math.min(s.ax, s.bx) - Math.min(t.ax, t.bx));
  const name = (r: number) => ringName(rings[r]!, multi);
  const near = (x: number, y: number) => `near ${x.toFixed(6)}, ${y.toFixed(6)}`;
  // Where two rings touch: whether they cross there is decided once all the touching points are known.
  const touches = new Map<string, { a: Segment; b: Segment; x: number; y: number }>();

  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const east = Math.max(s.ax, s.bx) + ON_LINE_DEGREES;
    for (let j = i + 1; j < segments.length; j++) {
      const t = segments[j]!;
      if (Math.min(t.ax, t.bx) > east) break;
      if (
        Math.max(s.ay, s.by) + ON_LINE_DEGREES < Math.min(t.ay, t.by) ||
        Math.max(t.ay, t.by) + ON_LINE_DEGREES < Math.min(s.ay, s.by)
      )
        continue;
      const sameRing = s.ring === t.ring;
      if (sameRing && adjacent(s, t, rings[s.ring]!.points.length - 1)) continue;
      const contact = contactOf(s, t);
      if (!contact) continue;
      const where = near(contact.x, contact.y);
      if (contact.kind === 'cross') {
        return sameRing
          ? `${name(s.ring)} crosses itself ${where}`
          : `${name(s.ring)} and ${name(t.ring)} cross ${where}`;
      }
      if (contact.kind === 'overlap') {
        return sameRing
          ? `${name(s.ring)} runs back over itself ${where}`
          : `${name(s.ring)} and ${name(t.ring)} run along the same edge ${where}`;
      }
      if (sameRing) return `${name(s.ring)} touches itself ${where}`;
      const [a, b] = s.ring < t.ring ? [s, t] : [t, s];
      touches.set(`${a.ring} ${b.ring} ${contact.x} ${contact.y}`, { a, b, x: contact.x, y: contact.y });
    }
  }

  for (const { a, b, x, y } of touches.values()) {
    const on = (s: Segment) => ({ points: rings[s.ring]!.points, segment: s.index });
    if (crossAt(on(a), on(b), x, y)) return `${name(a.ring)} and ${name(b.ring)} cross at a shared point ${near(x, y)}`;
  }
  return null;
}

function ringsOf(geometry: AreaGeometry): Ring[] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.flatMap((rings, polygon) =>
    rings.map((positions, ring) => ({
      polygon,
      ring,
      points: positions.filter((p, k) => k === 0 || p[0] !== positions[k - 1]![0] || p[1] !== positions[k - 1]![1]),
    })),
  );
}

function ringName(ring: Ring, multi: boolean): string {
  const polygon = multi ? `polygon ${ring.polygon + 1}` : '';
  if (ring.ring === 0) return multi ? polygon : 'the outer ring';
  return multi ? `${polygon}, hole ${ring.ring}` : `hole ${ring.ring}`;
}

/** Consecutive segments of a closed ring of `count` segments (the last and the first are consecutive too). */
function adjacent(s: Segment, t: Segment, count: number): boolean {
  const gap = Math.abs(s.index - t.index);
  return gap === 1 || gap === count - 1;
}

/** -1, 0 or 1: which side of the line through segment s the point lies on (0: within ON_LINE_DEGREES). */
function side(s: Segment, x: number, y: number): number {
  const dx = s.bx - s.ax;
  const dy = s.by - s.ay;
  const distance = (dx * (y - s.ay) - dy * (x - s.ax)) / Math.hypot(dx, dy);
  return Math.abs(distance) <= ON_LINE_DEGREES ? 0 : Math.sign(distance);
}

/** Where along segment s (0 at its start, its length at its end, in degrees) the point projects. */
function along(s: Segment, x: number, y: number): number {
  const dx = s.bx - s.ax;
  const dy = s.by - s.ay;
  return (dx * (x - s.ax) + dy * (y - s.ay)) / Math.hypot(dx, dy);
}

function within(s: Segment, x: number, y: number): boolean {
  const t = along(s, x, y);
  return t >= -ON_LINE_DEGREES && t <= Math.hypot(s.bx - s.ax, s.by - s.ay) + ON_LINE_DEGREES;
}

/** How two segments meet: crossing through each other, along a common stretch, or touching at a point. */
function contactOf(s: Segment, t: Segment): Contact | null {
  const ta = side(s, t.ax, t.ay);
  const tb = side(s, t.bx, t.by);
  const sa = side(t, s.ax, s.ay);
  const sb = side(t, s.bx, s.by);
  if (ta * tb < 0 && sa * sb < 0) {
    const dx = s.bx - s.ax;
    const dy = s.by - s.ay;
    const ex = t.bx - t.ax;
    const ey = t.by - t.ay;
    const u = (ex * (s.ay - t.ay) - ey * (s.ax - t.ax)) / (ey * dx - ex * dy);
    return { kind: 'cross', x: s.ax + u * dx, y: s.ay + u * dy };
  }
  if (ta === 0 && tb === 0) {
    const length = Math.hypot(s.bx - s.ax, s.by - s.ay);
    const [from, to] = [along(s, t.ax, t.ay), along(s, t.bx, t.by)].sort((p, q) => p - q) as [number, number];
    const start = Math.max(0, from);
    const end = Math.min(length, to);
    if (end - start > ON_LINE_DEGREES) {
      const u = (start + end) / 2 / length;
      return { kind: 'overlap', x: s.ax + u * (s.bx - s.ax), y: s.ay + u * (s.by - s.ay) };
    }
  }
  if (ta === 0 && within(s, t.ax, t.ay)) return { kind: 'touch', x: t.ax, y: t.ay };
  if (tb === 0 && within(s, t.bx, t.by)) return { kind: 'touch', x: t.bx, y: t.by };
  if (sa === 0 && within(t, s.ax, s.ay)) return { kind: 'touch', x: s.ax, y: s.ay };
  if (sb === 0 && within(t, s.bx, s.by)) return { kind: 'touch', x: s.bx, y: s.by };
  return null;
}

/**
 * Whether ring b passes from one side of ring a to the other at the point where they touch: a's two
 * directions away from the point split the plane around it in two, and b's two directions must both lie
 * in the same half for the rings only to touch. (Scaling longitudes against latitudes keeps the order of
 * directions around a point, so degrees serve.)
 */
function crossAt(a: RingPoint, b: RingPoint, x: number, y: number): boolean {
  const [a1, a2] = directionsAt(a, x, y);
  const [b1, b2] = directionsAt(b, x, y);
  const turn = (angle: number) => (angle - a1 + 4 * Math.PI) % (2 * Math.PI);
  const inside = (angle: number) => turn(angle) > 0 && turn(angle) < turn(a2);
  return inside(b1) !== inside(b2);
}

/** A ring and the segment of it a touching point was found on. */
interface RingPoint {
  points: number[][];
  segment: number;
}

/** The two directions (angles) in which a ring leaves a point on it: to the vertex's neighbours, or to the segment's ends. */
function directionsAt({ points, segment }: RingPoint, x: number, y: number): [number, number] {
  const count = points.length - 1;
  const angle = (k: number) => Math.atan2(points[(k + count) % count]![1]! - y, points[(k + count) % count]![0]! - x);
  const at = (k: number) =>
    Math.abs(points[k]![0]! - x) <= ON_LINE_DEGREES && Math.abs(points[k]![1]! - y) <= ON_LINE_DEGREES;
  if (at(segment)) return [angle(segment - 1), angle(segment + 1)];
  if (at(segment + 1)) return [angle(segment), angle(segment + 2)];
  return [angle(segment), angle(segment + 1)];
}
