import { useEffect, useState } from 'preact/hooks';
import { api, type DataRequest, errorText } from '../api.ts';
import { Changes } from '../components/PersonalData.tsx';
import { useI18n } from '../i18n.ts';
import { navigate } from '../router.ts';

const STATUSES = ['submitted', 'completed', 'refused'] as const;

/**
 * The data steward's desk: citizens' correction and deletion requests, nearest deadline first (overdue in
 * red), each completed (applied) or refused with a note the citizen reads.
 */
export function DataRequests({ query }: { query: URLSearchParams }) {
  const { t, term } = useI18n();
  const status = query.get('status') ?? 'submitted';
  const [requests, setRequests] = useState<DataRequest[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    api<DataRequest[]>(`/data-requests${status ? `?status=${status}` : ''}`)
      .then((list) => {
        setRequests(list);
        setError(null);
      })
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    setRequests(null);
    void load();
  }, [status]);

  return (
    <section data-testid="data-requests-page">
      <h1>{t('dataRequests')}</h1>
      <p class="hint">{t('dataRequestsHint')}</p>
      <div class="toolbar">
        <label class="inline">
          {t('status')}
          <select
            data-testid="data-requests-status"
            value={status}
            onChange={(e) => navigate(`/data-requests?status=${e.currentTarget.value}`)}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {term(`request_${s}`)}
              </option>
            ))}
            <option value="">{t('allStatuses')}</option>
          </select>
        </label>
        <button type="button" class="secondary" onClick={load}>
          {t('refresh')}
        </button>
      </div>
      {error && <p class="error">{error}</p>}
      {!requests && !error && <p>{t('loading')}</p>}
      {requests && requests.length === 0 && <p class="empty">{t('nothingWaiting')}</p>}
      {requests && requests.length > 0 && (
        <table class="cases compact" data-testid="steward-requests">
          <thead>
            <tr>
              <th>{t('requestedAt')}</th>
              <th>{t('requestKind')}</th>
              <th>{t('changesAsked')}</th>
              <th>{t('reason')}</th>
              <th>{t('dueAt')}</th>
              <th>{t('status')}</th>
              <th>{t('decision')}</th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <RequestRow key={r.id} request={r} onDecided={load} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function RequestRow({ request: r, onDecided }: { request: DataRequest; onDecided(): void }) {
  const { t, term, date } = useI18n();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The list shows what is asked masked; opening it is a view of personal data, recorded for the citizen.
  const [revealed, setRevealed] = useState<DataRequest['changes']>(null);

  const reveal = async () => {
    try {
      setRevealed(await api<DataRequest['changes']>(`/data-requests/${r.id}/changes/reveal`, { method: 'POST' }));
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const decide = async (decision: 'complete' | 'refuse') => {
    setBusy(true);
    try {
      await api<DataRequest>(`/data-requests/${r.id}/decision`, {
        method: 'POST',
        body: { decision, note: note.trim() },
      });
      setError(null);
      onDecided();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr data-request={r.id} data-status={r.status} data-overdue={String(r.overdue)}>
      <td class="nowrap">{date(r.submittedAt)}</td>
      <td>{term(`request_${r.kind}`)}</td>
      <td data-testid="request-changes">
        <Changes changes={revealed ?? r.changes} />
        {r.changes && !revealed && (
          <button
            type="button"
            class="small secondary"
            data-testid="reveal-changes"
            title={t('revealHint')}
            onClick={reveal}
          >
            {t('revealChanges')}
          </button>
        )}
      </td>
      <td>{r.reason}</td>
      <td class={`nowrap ${r.overdue ? 'overdue' : ''}`} data-testid="request-due">
        {date(r.dueAt)}
        {r.overdue && ` · ${t('overdue')}`}
      </td>
      <td>{term(`request_${r.status}`)}</td>
      <td class="row-actions">
        {r.status === 'submitted' ? (
          <form class="decision" onSubmit={(e) => e.preventDefault()}>
            <input
              data-testid="decision-note"
              placeholder={t('decisionNote')}
              maxLength={1000}
              value={note}
              onInput={(e) => setNote(e.currentTarget.value)}
            />
            <button
              type="button"
              class="small"
              data-testid="decision-complete"
              disabled={busy || !note.trim()}
              onClick={() => decide('complete')}
            >
              {term('decision_complete')}
            </button>
            <button
              type="button"
              class="small secondary"
              data-testid="decision-refuse"
              disabled={busy || !note.trim()}
              onClick={() => decide('refuse')}
            >
              {term('decision_refuse')}
            </button>
          </form>
        ) : (
          <span>
            {r.decisionNote ?? '—'}
            {r.decidedAt && <span class="hint"> · {date(r.decidedAt)}</span>}
          </span>
        )}
        {error && <p class="error">{error}</p>}
      </td>
    </tr>
  );
}
