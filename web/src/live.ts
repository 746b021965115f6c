import { useEffect, useRef } from 'preact/hooks';

/** A step of a case the signed-in user may see, as GET /cases/changes tells it. */
export interface CaseChange {
  caseNumber: string;
  action: string;
  status: string;
}

/** Steps that come together (a batch of registrations) refresh a page once. */
const SETTLE_MS = 250;

/**
 * Calls `onChange` when a case the user may see takes a step, whoever took it, on whichever server: the
 * server's Server-Sent Events (GET /cases/changes). The stream restarts every minute or so (and after a
 * lost connection); each restart calls `onChange` without a change, since steps taken meanwhile are not
 * replayed, so a page refreshes then too.
 */
export function useCaseChanges(onChange: (change: CaseChange | null) => void, enabled = true) {
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/v1/cases/changes');
    let timer: ReturnType<typeof setTimeout> | undefined;
    let opened = false;
    const settle = (change: CaseChange | null) => {
      clearTimeout(timer);
      timer = setTimeout(() => latest.current(change), SETTLE_MS);
    };
    source.addEventListener('ready', () => {
      if (opened) settle(null);
      opened = true;
    });
    source.addEventListener('case', (event) => settle(JSON.parse((event as MessageEvent<string>).data) as CaseChange));
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [enabled]);
}
