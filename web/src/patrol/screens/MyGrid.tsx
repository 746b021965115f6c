import { useEffect, useState } from 'preact/hooks';
import { type CaseSummary, errorText } from '../../api.ts';
import { linkTo, navigate } from '../../router.ts';
import { KeptNote, StatusChip } from '../components/bits.tsx';
import { GridMap } from '../components/GridMap.tsx';
import { usePatrol } from '../context.ts';
import {
  type Coverage,
  type Features,
  type Loaded,
  loadAreas,
  loadCoverage,
  loadOpenCases,
  loadTasks,
  loadUnitGrids,
} from '../data.ts';
import { currentFix, type Fix } from '../geo.ts';
import { useWords } from '../messages.ts';
import type { QueueItem } from '../store.ts';

/** 我的网格: this week's coverage, the map of the worker's areas, and the verification tasks by deadline. */
export function MyGrid() {
  const { me, online, items } = usePatrol();
  const { w } = useWords();
  const [tasks, setTasks] = useState<Loaded<CaseSummary[]> | null>(null);
  const [cases, setCases] = useState<Loaded<Features> | null>(null);
  const [areas, setAreas] = useState<Features | null>(null);
  const [grids, setGrids] = useState<Features | null>(null);
  const [coverage, setCoverage] = useState<Loaded<Coverage> | null>(null);
  const [position, setPosition] = useState<Fix | null>(null);
  const [error, setError] = useState<string | null>(null);

  const failed = (e: unknown) => setError(w('loadFailed', { reason: errorText(e) }));
  // The boundaries change seldom: once per visit.
  useEffect(() => {
    loadAreas(me).then((a) => setAreas(a.value), failed);
    loadUnitGrids(me).then(
      (g) => setGrids(g.value),
      () => setGrids(null),
    );
    currentFix().then(setPosition, () => setPosition(null));
  }, [me.userId]);
  // The work changes: again when back online, and when the queue has sent something (a verified task goes).
  const sent = items.filter((i) => i.state !== 'waiting').length;
  useEffect(() => {
    setError(null);
    loadTasks(me).then(setTasks, failed);
    loadOpenCases(me).then(setCases, failed);
    loadCoverage(me).then(setCoverage, () => setCoverage(null));
  }, [me.userId, online, sent]);

  const taskNumbers = (tasks?.value ?? []).map((t) => t.caseNumber);
  const visited = (coverage?.value.cells ?? []).filter((c) => c.visited).map((c) => c.code);
  const offlineSince = [tasks, cases].find((l) => l?.offline)?.savedAt;
  const refused = items.filter((i) => i.state === 'refused').length;

  return (
    <section class="p-screen" data-testid="my-grid">
      <CoverageStrip coverage={coverage} />
      {offlineSince && <KeptNote savedAt={offlineSince} />}
      {error && <p class="p-error">{error}</p>}
      {refused > 0 && (
        <a {...linkTo('/patrol/queue')} class="p-error" data-testid="refused-notice">
          {w('refusedNotice', { n: refused })}
        </a>
      )}
      <GridMap
        areas={areas}
        grids={grids}
        visited={visited}
        cases={cases?.value ?? null}
        tasks={taskNumbers}
        position={position}
        onCase={(number) => {
          if (taskNumbers.includes(number)) navigate(`/patrol/tasks/${number}`);
        }}
      />
      <p class="p-legend">
        <span class="p-dot ring" /> {w('legendTask')} <span class="p-dot visited" /> {w('legendVisited')}{' '}
        <span class="p-muted" data-testid="open-case-count">
          {w('openCasesOnMap', { n: cases?.value.features.length ?? 0 })}
        </span>
      </p>
      <h2 class="p-h2">
        {w('tasks')} <span class="p-muted">{w('tasksHint')}</span>
      </h2>
      {tasks && tasks.value.length === 0 && <p class="p-hint">{w('noTasks')}</p>}
      <ul class="p-list" data-testid="task-list">
        {(tasks?.value ?? []).map((task) => (
          <TaskRow key={task.caseNumber} task={task} items={items} />
        ))}
      </ul>
    </section>
  );
}

/** A share as a percentage; two decimals below 10 % (one cell of a district's thousands still shows). */
function coveragePercent(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 2 : 1)}%`;
}

export function CoverageStrip({ coverage, big = false }: { coverage: Loaded<Coverage> | null; big?: boolean }) {
  const { w } = useWords();
  return (
    <div class={`p-coverage${big ? ' big' : ''}`} data-testid="coverage">
      <span class="p-coverage-label">{w('coverageThisWeek')}</span>
      {coverage ? (
        <>
          <strong data-testid="coverage-share">{coveragePercent(coverage.value.share)}</strong>
          <span class="p-muted">
            {w('coverageCells', { visited: coverage.value.visited, total: coverage.value.unitCells })}
          </span>
          <span class="p-bar" aria-hidden="true">
            <span style={{ width: `${Math.min(100, coverage.value.share * 100)}%` }} />
          </span>
        </>
      ) : (
        <span class="p-muted">{w('coverageUnknown')}</span>
      )}
    </div>
  );
}

/** The verification of a task in the queue, if the worker made one. */
export function verificationOf(items: QueueItem[], caseNumber: string): QueueItem | undefined {
  return items.filter((i) => i.kind === 'action' && i.caseNumber === caseNumber).at(-1);
}

function TaskRow({ task, items }: { task: CaseSummary; items: QueueItem[] }) {
  const { w, name, date, term } = useWords();
  const mine = verificationOf(items, task.caseNumber);
  return (
    <li>
      <a {...linkTo(`/patrol/tasks/${task.caseNumber}`)} class="p-task" data-testid="task" data-case={task.caseNumber}>
        <span class="p-task-head">
          <span class="p-case-number">{task.caseNumber}</span>
          <StatusChip status={task.status} />
          {task.priority !== 'normal' && <span class={`p-priority ${task.priority}`}>{term(task.priority)}</span>}
        </span>
        <span class="p-task-title">{task.title}</span>
        <span class="p-task-meta">
          {task.deadline && (
            <span class={`p-light ${task.deadline.light}`}>{w('due', { time: date(task.deadline.dueAt) })}</span>
          )}
          <span>{name(task.category)}</span>
          {task.address && <span>{task.address}</span>}
        </span>
        {mine && (
          <span class={`p-state ${mine.state}`} data-testid="task-verification">
            {mine.state === 'waiting' ? w('taskQueued') : mine.state === 'sent' ? w('taskSent') : w('taskRefused')}
          </span>
        )}
      </a>
    </li>
  );
}
