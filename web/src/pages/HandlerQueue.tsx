import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, type CaseDetail, type CaseSummary, errorText, type Me } from '../api.ts';
import { CaseLink } from '../components/CaseLink.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { TrafficLight } from '../components/TrafficLight.tsx';
import { useI18n } from '../i18n.ts';
import { useCaseChanges } from '../live.ts';
import { useReference } from '../reference-data.ts';

/** The actions of the queue for the lead body, by status (the lifecycle's rules for the handler role), and what each needs. */
const ACTIONS: Record<string, string[]> = {
  dispatched: ['accept', 'return', 'request_extension'],
  in_progress: ['handle', 'return', 'request_extension'],
};
const NEEDS_FORM = new Set(['return', 'handle', 'request_extension']);

/** The actions the queue offers on a row: none to an assisting body, no second extension request while one waits. */
function offeredActions(c: CaseSummary, leads: boolean): string[] {
  if (!leads) return [];
  return (ACTIONS[c.status] ?? []).filter((action) => !(action === 'request_extension' && c.pendingExtension));
}

/** Earliest deadline first; cases without a running deadline last. */
function byDueTime(a: CaseSummary, b: CaseSummary): number {
  return (a.deadline?.dueAt ?? '9999').localeCompare(b.deadline?.dueAt ?? '9999');
}

/** The handler's queue (办理队列): the body's open cases by deadline, with their traffic lights. */
export function HandlerQueue({ me }: { me: Me }) {
  const { t, term, name, date } = useI18n();
  const { areaFor, bodyById } = useReference();
  const [items, setItems] = useState<CaseSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<{ caseNumber: string; action: string } | null>(null);
  const [rowError, setRowError] = useState<{ caseNumber: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const body = me.handlingBodyId ? bodyById.get(me.handlingBodyId) : undefined;

  // The server's work queue: the cases now with the body (lead or assisting) that have a running deadline.
  const load = () =>
    api<{ items: CaseSummary[] }>('/cases/queue')
      .then((queue) => setItems([...queue.items].sort(byDueTime)))
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    void load();
  }, []);
  // The body's cases moving on, whoever moved them (a new dispatch, a verification), refresh it at once.
  useCaseChanges(() => void load());

  const act = async (row: CaseSummary, action: string, form?: HTMLFormElement) => {
    const { caseNumber } = row;
    const data = form ? new FormData(form) : undefined;
    const payload: Record<string, unknown> = { action };
    const note = String(data?.get('note') ?? '').trim();
    if (note) payload.note = note;
    if (data?.get('extensionDays')) payload.extensionDays = Number(data.get('extensionDays'));
    setBusy(true);
    try {
      // The queue's rows carry no version: the case's is read now, and the action goes ahead only if the case
      // is still as the row shows it (every action changes updatedAt). The server refuses it (409
      // CASE_ERR_STALE) if anyone acts in between, so an action never lands on a case the handler did not see.
      const current = await api<CaseDetail>(`/cases/${caseNumber}`);
      if (current.updatedAt !== row.updatedAt) {
        throw new ApiError(409, 'CASE_ERR_STALE', t('queueRowStale'));
      }
      payload.version = current.version;
      await api(`/cases/${caseNumber}/actions`, { method: 'POST', body: payload });
      setOpen(null);
      setRowError(null);
      await load();
    } catch (e) {
      setRowError({ caseNumber, message: errorText(e) });
      // A stale row (or a refusal) means the queue no longer shows the case as it is.
      if (e instanceof ApiError && e.status === 409) await load();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section data-testid="handler-queue">
      <h1>
        {t('queue')}
        {body && <span class="hint"> · {name(body)}</span>}
      </h1>
      {error && <p class="error">{error}</p>}
      {items === null && <p>{t('loading')}</p>}
      {items?.length === 0 && <p class="empty">{t('queueEmpty')}</p>}
      {items && items.length > 0 && (
        <table class="cases" data-testid="queue">
          <thead>
            <tr>
              <th>{t('deadline')}</th>
              <th>{t('caseNumber')}</th>
              <th>{t('title')}</th>
              <th>{t('status')}</th>
              <th>{t('category')}</th>
              <th>{t('district')}</th>
              <th>{t('priority')}</th>
              <th>{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => {
              const area = areaFor(c.gridCode);
              // The lead body acts on the case; an assisting body (协办) sees it in its queue only.
              const leads = c.assignedBody?.id === me.handlingBodyId;
              const offered = offeredActions(c, leads);
              const formOpen = open?.caseNumber === c.caseNumber && offered.includes(open.action) ? open.action : null;
              return (
                <tr key={c.caseNumber} data-case={c.caseNumber}>
                  <td class="nowrap">
                    {c.deadline ? (
                      <>
                        <TrafficLight light={c.deadline.light} />
                        <div class="hint">
                          {term(c.deadline.kind)} · {date(c.deadline.dueAt)}
                        </div>
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td class="nowrap">
                    <CaseLink caseNumber={c.caseNumber} />
                  </td>
                  <td class="title-cell">
                    {c.title}
                    {c.meTooCount > 0 && <span class="hint"> · {`${t('meTooCount')} ${c.meTooCount}`}</span>}
                  </td>
                  <td>
                    <StatusBadge status={c.status} />
                  </td>
                  <td>{name(c.category)}</td>
                  <td>{area ? name(area) : '—'}</td>
                  <td>{term(c.priority)}</td>
                  <td class="row-actions">
                    <div class="action-buttons">
                      {!leads && <span class="status status-assisting">{t('assisting')}</span>}
                      {leads && c.status === 'handled' && <span class="hint">{t('awaitingVerification')}</span>}
                      {offered.map((action) => (
                        <button
                          type="button"
                          key={action}
                          class={`small${formOpen === action ? ' active' : ''}`}
                          disabled={busy}
                          data-testid={`queue-${action}`}
                          onClick={() =>
                            NEEDS_FORM.has(action) ? setOpen({ caseNumber: c.caseNumber, action }) : void act(c, action)
                          }
                        >
                          {term(action)}
                        </button>
                      ))}
                      {c.pendingExtension && (
                        <span class="status status-pending" data-testid="queue-extension-pending">
                          {t('extensionPendingBadge')}
                        </span>
                      )}
                    </div>
                    {formOpen && (
                      <form
                        class="action-form"
                        data-testid="queue-form"
                        onSubmit={(e) => {
                          e.preventDefault();
                          void act(c, formOpen, e.target as HTMLFormElement);
                        }}
                      >
                        {formOpen === 'request_extension' && (
                          <label>
                            {t('extensionDays')}
                            <input
                              name="extensionDays"
                              type="number"
                              min={1}
                              max={30}
                              required
                              data-testid="queue-extension-days"
                            />
                          </label>
                        )}
                        <label>
                          {formOpen === 'handle' ? t('handlingNote') : t('reason')}
                          <textarea name="note" rows={2} required maxLength={2000} data-testid="queue-note" />
                        </label>
                        <div class="form-buttons">
                          <button type="submit" class="small" disabled={busy} data-testid="queue-submit">
                            {t('submit')}
                          </button>
                          <button type="button" class="secondary small" onClick={() => setOpen(null)}>
                            {t('cancel')}
                          </button>
                        </div>
                      </form>
                    )}
                    {rowError?.caseNumber === c.caseNumber && (
                      <p class="error" data-testid="queue-error">
                        {rowError.message}
                      </p>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
