import { useEffect, useState } from 'preact/hooks';
import { usePatrol } from '../context.ts';
import { type Coverage, type Loaded, loadCoverage } from '../data.ts';
import { useWords } from '../messages.ts';
import { type RunningPatrol, startPatrol, stopPatrol, watchPatrol } from '../track.ts';
import { CoverageStrip } from './MyGrid.tsx';

/** How many visited cells are named before "and N more". */
const CELLS_NAMED = 12;

/**
 * 巡查: start and end a patrol. The track is recorded only after the worker agreed to it (explicitly,
 * each time), and only while the patrol runs; this week's coverage comes from the server.
 */
export function PatrolScreen() {
  const { me, online, items } = usePatrol();
  const { w, name, time } = useWords();
  const [coverage, setCoverage] = useState<Loaded<Coverage> | null>(null);
  const [patrol, setPatrol] = useState<RunningPatrol | null>(null);
  const [asking, setAsking] = useState(false);

  useEffect(() => watchPatrol((p) => setPatrol(p ? { ...p } : null)), []);
  useEffect(() => {
    loadCoverage(me).then(setCoverage, () => setCoverage(null));
  }, [me.userId, online, items.filter((i) => i.kind === 'points' && i.state === 'sent').length]);

  const visited = (coverage?.value.cells ?? []).filter((c) => c.visited);
  return (
    <section class="p-screen" data-testid="patrol">
      <h1 class="p-h1">{w('patrolTitle')}</h1>
      <CoverageStrip coverage={coverage} big />
      <div class="p-card" data-testid="patrol-state">
        {patrol ? (
          <>
            <p class="p-on">
              <span class="p-pulse" aria-hidden="true" /> {w('patrolOn', { time: time(patrol.startedAt) })}
            </p>
            <p class="p-muted" data-testid="patrol-points">
              {w('pointsRecorded', { n: patrol.points })}
            </p>
            {patrol.last && (
              <p class="p-muted">{w('lastPoint', { time: time(patrol.last.at), m: patrol.last.accuracyM })}</p>
            )}
            <button type="button" class="p-button wide danger" onClick={() => void stopPatrol()} data-testid="stop">
              {w('stopPatrol')}
            </button>
          </>
        ) : (
          <>
            <p class="p-hint">{w('patrolOff')}</p>
            <button type="button" class="p-button wide" onClick={() => setAsking(true)} data-testid="start">
              {w('startPatrol')}
            </button>
          </>
        )}
      </div>
      {asking && (
        <div class="p-dialog" role="dialog" aria-modal="true" aria-labelledby="consent-title">
          <div class="p-dialog-box" data-testid="consent">
            <h2 id="consent-title">{w('consentTitle')}</h2>
            <p>{w('consentText')}</p>
            <p class="p-actions">
              <button type="button" class="p-button secondary" onClick={() => setAsking(false)}>
                {w('cancel')}
              </button>
              <button
                type="button"
                class="p-button"
                data-testid="consent-agree"
                onClick={() => {
                  setAsking(false);
                  void startPatrol(me.userId);
                }}
              >
                {w('consentAgree')}
              </button>
            </p>
          </div>
        </div>
      )}
      <h2 class="p-h2">{w('visitedCells')}</h2>
      {coverage && visited.length === 0 && <p class="p-hint">{w('noVisitedCells')}</p>}
      <ul class="p-cells" data-testid="visited-cells">
        {visited.slice(0, CELLS_NAMED).map((c) => (
          <li key={c.code}>{name(c)}</li>
        ))}
        {visited.length > CELLS_NAMED && <li class="p-muted">{w('moreCells', { n: visited.length - CELLS_NAMED })}</li>}
      </ul>
    </section>
  );
}
