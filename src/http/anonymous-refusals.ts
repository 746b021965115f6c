import type { AuditEntry } from '../audit/index.ts';

/** Addresses tracked at once; refusals from others are counted together, so memory stays bounded. */
const MAX_ADDRESSES = 1000;
const OTHER = 'other';

/**
 * Changes refused because nobody signed in are counted per address and written as one audit entry per
 * address a minute, not one each: a flood of anonymous requests must not grow the trail (and hold its
 * lock) request by request, while who knocked, where and how often stays on record.
 */
export class AnonymousRefusals {
  #counts = new Map<string, { total: number; routes: Map<string, number>; first: Date }>();

  count(ip: string, route: string, at: Date): void {
    const key = this.#counts.has(ip) || this.#counts.size < MAX_ADDRESSES ? ip : OTHER;
    const entry = this.#counts.get(key) ?? { total: 0, routes: new Map<string, number>(), first: at };
    entry.total++;
    entry.routes.set(route, (entry.routes.get(route) ?? 0) + 1);
    this.#counts.set(key, entry);
  }

  /** The entries for what was counted since the last drain, and a fresh count. */
  drain(at: Date): AuditEntry[] {
    const entries = [...this.#counts].map(([ip, { total, routes, first }]) => ({
      at,
      actorUserId: null,
      actorRole: null,
      action: 'auth.refused_anonymous',
      subjectType: 'address',
      subjectId: ip,
      details: { refused: total, since: first.toISOString(), routes: Object.fromEntries(routes) },
      ...(ip === OTHER ? {} : { ip }),
    }));
    this.#counts = new Map();
    return entries;
  }
}
