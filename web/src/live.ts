import { useEffect, useRef } from 'preact/hooks';

/** A step of a case the signed-in user may see, as GET /cases/changes tells it. */
export interface CaseChange {
  caseNumber: string;
  action: string;
  status: string;
}

/** Steps that come together (a batch of registrations) refresh a page once… */
const SETTLE_MS = 250;
/** …but a page under a steady stream of steps still refreshes at least this often. */
const MOST_WAIT_MS = 2_000;
/** After the stream is refused (a proxy's 502 in a deploy, a session that ended), it is asked for again. */
const REOPEN_MS = 5_000;

/**
 * Calls `onChange` when a case the user may see takes a step, whoever took it, on whichever server: the
 * server's Server-Sent Events (GET /cases/changes). The stream restarts every minute or so (and after a
 * lost connection); each restart calls `onChange` without a change, since steps taken meanwhile are not
 * replayed, so a page refreshes then too.
 */
export function useCaseChanges(
  onChange: (change: CaseChange | null) => void,
  enabled = true,
  /** Another stream of the same events: the portal's of one published case. */
  path = '/api/v1/cases/changes',
) {
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    let source: EventSource;
    let settleTimer: ReturnType<typeof setTimeout> | undefined;
    let firstPending = 0;
    let reopenTimer: ReturnType<typeof setTimeout> | undefined;
    let opened = false;
    const settle = (change: CaseChange | null) => {
      clearTimeout(settleTimer);
      const now = Date.now();
      firstPending ||= now;
      const wait = Math.max(0, Math.min(SETTLE_MS, firstPending + MOST_WAIT_MS - now));
      settleTimer = setTimeout(() => {
        firstPending = 0;
        latest.current(change);
      }, wait);
    };
    const open = () => {
      source = new EventSource(path);
      source.addEventListener('ready', () => {
        if (opened) settle(null);
        opened = true;
      });
      source.addEventListener('case', (event) =>
        settle(JSON.parse((event as MessageEvent<string>).data) as CaseChange),
      );
      // The browser reopens a stream that merely ended, but gives up on one that was refused: ask again.
      source.addEventListener('error', () => {
        if (source.readyState !== EventSource.CLOSED) return;
        clearTimeout(reopenTimer);
        reopenTimer = setTimeout(open, REOPEN_MS);
      });
    };
    open();
    return () => {
      clearTimeout(settleTimer);
      clearTimeout(reopenTimer);
      source.close();
    };
  }, [enabled, path]);
}
