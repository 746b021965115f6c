import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type Me } from '../api.ts';
import { CaseLink } from '../components/CaseLink.tsx';
import '../components/evaluation/evaluation.css';
import type { Answer } from '../api-shapes.ts';
import { useEvaluationText } from '../components/evaluation/messages.ts';
import { PatrolCoverage } from '../components/PatrolCoverage.tsx';
import { useI18n } from '../i18n.ts';
import { useCaseChanges } from '../live.ts';
import { linkTo } from '../router.ts';

type BoardClock = Board['warnings'][number];

type OverdueGroup = Board['overdue']['groups'][number];

type Board = Answer<'/supervision/board'>;

/** A name the board gives in both languages (null when there is no body, e.g. a verification clock). */
function useBodyLabel() {
  const { name } = useI18n();
  return (zh: string | null, en: string | null) => (zh && en ? name({ nameZh: zh, nameEn: en }) : '—');
}

/**
 * The supervisor's board (督办看板): overdue deadlines by body (oldest first, with how long each is overdue),
 * warned deadlines, extension requests, returns waiting.
 */
export function SupervisionBoard({ me }: { me: Me }) {
  const { t } = useI18n();
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sweep, setSweep] = useState<{ yellow: number; red: number } | null>(null);
  const [busy, setBusy] = useState(false);
  // undefined until the calendar answers: the board waits for it, so no time is shown in hours first and
  // in working days a moment later (null: no calendar, times in hours).
  const [minutesPerDay, setMinutesPerDay] = useState<number | null | undefined>(undefined);

  const load = () =>
    api<Board>('/supervision/board')
      .then(setBoard)
      .catch((e) => setError(errorText(e)));
  // Deadlines met, missed or extended anywhere change the board: it refreshes at once (live).
  useCaseChanges(() => void load());
  useEffect(() => {
    void load();
    api<Answer<'/calendar/{year}'>>(`/calendar/${new Date().getFullYear()}`)
      .then((c) => setMinutesPerDay(c.minutesPerWorkingDay))
      .catch(() => setMinutesPerDay(null));
  }, []);

  const runSweep = async () => {
    setBusy(true);
    try {
      setSweep(await api<Answer<'/supervision/sweep', 'post'>>('/supervision/sweep', { method: 'POST' }));
      await load();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="board" data-testid="supervision-board">
      <h1>{t('supervision')}</h1>
      <div class="toolbar">
        {['supervisor', 'admin'].includes(me.role) && (
          <button type="button" disabled={busy} onClick={runSweep} data-testid="run-sweep">
            {t('runSweep')}
          </button>
        )}
        <button type="button" class="secondary" onClick={load}>
          {t('refresh')}
        </button>
        {sweep && (
          <span class="notice" data-testid="sweep-result">
            {t('sweepResult').replace('{yellow}', String(sweep.yellow)).replace('{red}', String(sweep.red))}
          </span>
        )}
      </div>
      {error && <p class="error">{error}</p>}
      {(!board || minutesPerDay === undefined) && !error && <p>{t('loading')}</p>}
      {board && minutesPerDay !== undefined && (
        <>
          <h2>
            {t('extensionRequests')} ({board.extensionRequests.length})
          </h2>
          <ExtensionRequests
            requests={board.extensionRequests}
            mayDecide={me.role === 'supervisor'}
            minutesPerDay={minutesPerDay}
            onDecided={load}
          />
          <h2>
            {t('overdue')} ({board.overdue.total})
          </h2>
          <OverdueGroups groups={board.overdue.groups} minutesPerDay={minutesPerDay} />
          <h2>
            {t('warnings')} ({board.warnings.length})
          </h2>
          <ClockTable clocks={board.warnings} testId="board-warnings" />
          <h2>
            {t('returnsWaiting')} ({board.returns.length})
          </h2>
          <Returns returns={board.returns} mayDispatch={['dispatcher', 'supervisor'].includes(me.role)} />
        </>
      )}
      {['supervisor', 'admin'].includes(me.role) && <PatrolCoverage />}
    </section>
  );
}

/** Long lists show their first rows until asked for all. */
const FIRST_ROWS = 15;

function ShowAll({ shown, total, onClick }: { shown: number; total: number; onClick(): void }) {
  const { t } = useI18n();
  if (shown >= total) return null;
  return (
    <button type="button" class="link show-all" onClick={onClick}>
      {t('showAll').replace('{n}', String(total))}
    </button>
  );
}

function ClockTable({ clocks, testId }: { clocks: BoardClock[]; testId: string }) {
  const { t, term, date } = useI18n();
  const bodyLabel = useBodyLabel();
  const [all, setAll] = useState(false);
  if (clocks.length === 0) return <p class="hint">{t('none')}</p>;
  const shown = all ? clocks : clocks.slice(0, FIRST_ROWS);
  return (
    <>
      <table class="cases compact list-on-phone" data-testid={testId}>
        <thead>
          <tr>
            <th>{t('caseNumber')}</th>
            <th>{t('title')}</th>
            <th>{t('deadlineKind')}</th>
            <th>{t('body')}</th>
            <th>{t('dueAt')}</th>
            <th>{t('noticeGiven')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((c) => (
            <tr key={`${c.caseNumber}-${c.kind}`} data-case={c.caseNumber}>
              <td class="nowrap" data-label={t('caseNumber')}>
                <CaseLink caseNumber={c.caseNumber} />
              </td>
              <td class="title-cell" data-label={t('title')}>
                {c.title}
              </td>
              <td data-label={t('deadlineKind')}>{term(c.kind)}</td>
              <td data-label={t('body')}>{bodyLabel(c.bodyNameZh, c.bodyNameEn)}</td>
              <td class="nowrap" data-label={t('dueAt')}>
                {date(c.dueAt)}
              </td>
              <td class="nowrap" data-label={t('noticeGiven')}>
                {c.overdueAt
                  ? `${t('red')} ${date(c.overdueAt)}`
                  : c.warnedAt
                    ? `${t('yellow')} ${date(c.warnedAt)}`
                    : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ShowAll shown={shown.length} total={clocks.length} onClick={() => setAll(true)} />
    </>
  );
}

/**
 * How long a deadline is overdue, in its own measure: working time as working minutes, hours or days (by
 * the calendar's working day, once known), wall-clock time (urgent cases) as hours or days, said so.
 */
function useOverdueText(minutesPerDay: number | null) {
  const { t, number } = useI18n();
  const say = useEvaluationText();
  return (minutes: number, measure: 'working' | 'wall') => {
    if (measure === 'wall') {
      const amount =
        minutes < 60
          ? `${minutes} ${say('minutes')}`
          : minutes < 24 * 60
            ? `${number(minutes / 60, 1)} ${t('hours')}`
            : `${number(minutes / (24 * 60), 1)} ${say('days')}`;
      return `${amount} (${t('wallClock')})`;
    }
    if (minutes < 60) return `${minutes} ${say('workingMinutes')}`;
    if (!minutesPerDay || minutes < minutesPerDay) return `${number(minutes / 60, 1)} ${t('workingHours')}`;
    return `${number(minutes / minutesPerDay, 1)} ${t('workingDays')}`;
  };
}

/** Overdue deadlines by body: the body whose deadline is oldest first; the first few open. */
function OverdueGroups({ groups, minutesPerDay }: { groups: OverdueGroup[]; minutesPerDay: number | null }) {
  const { t, term, date, name } = useI18n();
  const say = useEvaluationText();
  const overdueText = useOverdueText(minutesPerDay);
  if (groups.length === 0) return <p class="hint">{t('none')}</p>;
  return (
    <div data-testid="board-overdue">
      <p class="hint" data-testid="overdue-measure">
        {say('overdueMeasure')}
      </p>
      {groups.map((g, i) => {
        const oldest = g.clocks[0];
        return (
          <details key={g.bodyId ?? 'none'} class="overdue-group" open={i < 3} data-body={g.bodyCode ?? ''}>
            <summary data-testid="overdue-group">
              <strong>
                {g.bodyNameZh && g.bodyNameEn
                  ? name({ nameZh: g.bodyNameZh, nameEn: g.bodyNameEn })
                  : say('verificationsOwed')}
              </strong>
              <span class="count">{say('overdueCount', { n: g.count })}</span>
              {oldest && (
                <span class="oldest">
                  {say('oldestOverdue')} {overdueText(oldest.overdueMinutes, oldest.measure)}
                </span>
              )}
            </summary>
            <table class="cases compact list-on-phone">
              <thead>
                <tr>
                  <th>{t('caseNumber')}</th>
                  <th>{t('title')}</th>
                  <th>{t('deadlineKind')}</th>
                  <th>{t('dueAt')}</th>
                  <th>{say('overdueFor')}</th>
                </tr>
              </thead>
              <tbody>
                {g.clocks.map((c) => (
                  <tr key={`${c.caseNumber}-${c.kind}`} data-case={c.caseNumber}>
                    <td class="nowrap" data-label={t('caseNumber')}>
                      <CaseLink caseNumber={c.caseNumber} />
                    </td>
                    <td class="title-cell" data-label={t('title')}>
                      {c.title}
                    </td>
                    <td data-label={t('deadlineKind')}>{term(c.kind)}</td>
                    <td class="nowrap" data-label={t('dueAt')}>
                      {date(c.dueAt)}
                    </td>
                    <td
                      class="nowrap overdue-for"
                      data-label={say('overdueFor')}
                      data-testid="overdue-for"
                      data-measure={c.measure}
                      data-minutes={c.overdueMinutes}
                    >
                      {overdueText(c.overdueMinutes, c.measure)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {g.count > g.clocks.length && <p class="hint">{say('shownOf', { shown: g.clocks.length, n: g.count })}</p>}
          </details>
        );
      })}
    </div>
  );
}

function ExtensionRequests({
  requests,
  mayDecide,
  minutesPerDay,
  onDecided,
}: {
  requests: Board['extensionRequests'];
  mayDecide: boolean;
  minutesPerDay: number | null;
  onDecided(): void;
}) {
  const { t, date, number } = useI18n();
  const bodyLabel = useBodyLabel();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ caseNumber: string; message: string } | null>(null);

  // Working minutes read as working days (by the calendar's length of a working day; working hours until
  // it is known); wall-clock minutes, of urgent cases, as hours of wall-clock time.
  const extraTime = (minutes: number, measure: 'working' | 'wall') => {
    if (measure === 'wall') return `${number(minutes / 60, 1)} ${t('hours')} (${t('wallClock')})`;
    if (minutesPerDay) return `${number(minutes / minutesPerDay, 1)} ${t('workingDays')}`;
    return `${number(minutes / 60, 1)} ${t('workingHours')}`;
  };

  const decide = async (
    caseNumber: string,
    version: number,
    action: 'approve_extension' | 'refuse_extension',
    form: HTMLFormElement,
  ) => {
    const note = String(new FormData(form).get('note') ?? '').trim();
    if (action === 'refuse_extension' && !note) {
      setError({ caseNumber, message: t('refusalNeedsNote') });
      return;
    }
    setBusy(true);
    try {
      // The version the board showed: a case that changed since is refused (CASE_ERR_STALE), not decided blind.
      await api(`/cases/${caseNumber}/actions`, { method: 'POST', body: { action, note: note || undefined, version } });
      setError(null);
      onDecided();
    } catch (e) {
      setError({ caseNumber, message: errorText(e) });
    } finally {
      setBusy(false);
    }
  };

  if (requests.length === 0) return <p class="hint">{t('none')}</p>;
  return (
    <table class="cases compact list-on-phone" data-testid="board-extensions">
      <thead>
        <tr>
          <th>{t('caseNumber')}</th>
          <th>{t('title')}</th>
          <th>{t('body')}</th>
          <th>{t('reason')}</th>
          <th>{t('extraTime')}</th>
          <th>{t('dueAt')}</th>
          <th>{t('requestedAt')}</th>
          {mayDecide && <th>{t('decision')}</th>}
        </tr>
      </thead>
      <tbody>
        {requests.map((r) => (
          <tr key={r.caseNumber} data-case={r.caseNumber}>
            <td class="nowrap" data-label={t('caseNumber')}>
              <CaseLink caseNumber={r.caseNumber} />
            </td>
            <td class="title-cell" data-label={t('title')}>
              {r.title}
            </td>
            <td data-label={t('body')}>{bodyLabel(r.bodyNameZh, r.bodyNameEn)}</td>
            <td data-label={t('reason')}>{r.reason}</td>
            <td class="nowrap" data-label={t('extraTime')} data-testid="extension-extra" data-measure={r.measure}>
              {extraTime(r.extraMinutes, r.measure)}
            </td>
            <td class="nowrap" data-label={t('dueAt')}>
              {date(r.dueAt)}
            </td>
            <td class="nowrap" data-label={t('requestedAt')}>
              {date(r.requestedAt)}
            </td>
            {mayDecide && (
              <td data-label={t('decision')}>
                <form class="decision" onSubmit={(e) => e.preventDefault()}>
                  <input name="note" placeholder={t('note')} maxLength={2000} data-testid="extension-note" />
                  <button
                    type="button"
                    class="small"
                    disabled={busy}
                    data-testid="approve-extension"
                    onClick={(e) =>
                      decide(r.caseNumber, r.version, 'approve_extension', (e.target as HTMLElement).closest('form')!)
                    }
                  >
                    {t('approve')}
                  </button>
                  <button
                    type="button"
                    class="secondary small"
                    disabled={busy}
                    data-testid="refuse-extension"
                    onClick={(e) =>
                      decide(r.caseNumber, r.version, 'refuse_extension', (e.target as HTMLElement).closest('form')!)
                    }
                  >
                    {t('refuse')}
                  </button>
                  {error?.caseNumber === r.caseNumber && <p class="error">{error.message}</p>}
                </form>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Returns({ returns, mayDispatch }: { returns: Board['returns']; mayDispatch: boolean }) {
  const { t, date } = useI18n();
  const bodyLabel = useBodyLabel();
  if (returns.length === 0) return <p class="hint">{t('none')}</p>;
  return (
    <>
      {mayDispatch && (
        <p>
          <a {...linkTo('/workbench?view=redispatch')} data-testid="to-workbench">
            {t('toWorkbench')} →
          </a>
        </p>
      )}
      <table class="cases compact list-on-phone" data-testid="board-returns">
        <thead>
          <tr>
            <th>{t('caseNumber')}</th>
            <th>{t('title')}</th>
            <th>{t('returnedBy')}</th>
            <th>{t('reason')}</th>
            <th>{t('returnedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {returns.map((r) => (
            <tr key={r.caseNumber} data-case={r.caseNumber}>
              <td class="nowrap" data-label={t('caseNumber')}>
                <CaseLink caseNumber={r.caseNumber} />
              </td>
              <td class="title-cell" data-label={t('title')}>
                {r.title}
              </td>
              <td data-label={t('returnedBy')}>{bodyLabel(r.returnedByBodyNameZh, r.returnedByBodyNameEn)}</td>
              <td data-label={t('reason')}>{r.reason ?? '—'}</td>
              <td class="nowrap" data-label={t('returnedAt')}>
                {date(r.returnedAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
