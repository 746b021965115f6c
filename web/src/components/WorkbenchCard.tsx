import { useEffect, useState } from 'preact/hooks';
import { api, type CaseAction, type CaseDetail, type CaseSummary, type DuplicateCandidate, errorText } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { useReference } from '../reference-data.ts';
import { BodyName, BodyNames } from './BodyName.tsx';
import { BodySelect, OverrideHint } from './BodySelect.tsx';
import { CaseLink } from './CaseLink.tsx';
import { ReportPhotos } from './CaseMedia.tsx';
import { DuplicateList } from './DuplicateList.tsx';
import { StatusBadge } from './StatusBadge.tsx';

const BEFORE_DISPATCH = ['reported', 'registered'];

/**
 * One case on the dispatcher's workbench: where the routing suggests it should go and why, possible
 * duplicates, and the one-key actions (register, dispatch to the suggestion, dispatch elsewhere, merge).
 */
export function WorkbenchCard({
  summary,
  statuses,
  onChanged,
}: {
  summary: CaseSummary;
  /** The statuses of the list the card is in: once the case leaves them, the card says it is done. */
  statuses: readonly string[];
  /** The case as it is after an action taken here. */
  onChanged(detail: CaseDetail): void;
}) {
  const { t, term, name, date } = useI18n();
  const { areaFor } = useReference();
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [duplicates, setDuplicates] = useState<DuplicateCandidate[]>([]);
  const [chosen, setChosen] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const n = summary.caseNumber;

  useEffect(() => {
    api<CaseDetail>(`/cases/${n}`)
      .then(setDetail)
      .catch((e) => setError(errorText(e)));
    if (BEFORE_DISPATCH.includes(summary.status)) {
      api<{ items: DuplicateCandidate[] }>(`/cases/${n}/duplicates`)
        .then((d) => setDuplicates(d.items))
        .catch(() => setDuplicates([]));
    }
  }, [n]);

  // The version the card shows goes with the action: if another dispatcher acted on the case meanwhile,
  // the action is refused (409) instead of silently re-dispatching what they dispatched.
  const act = async (body: Record<string, unknown>) => {
    setBusy(true);
    try {
      const payload = { ...body, version: detail?.version };
      const updated = await api<CaseDetail>(`/cases/${n}/actions`, { method: 'POST', body: payload });
      setDetail(updated);
      setError(null);
      onChanged(updated);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const area = areaFor(summary.gridCode);
  const status = detail?.status ?? summary.status;
  const done = !statuses.includes(status);
  const allowed = (action: CaseAction) => !done && (detail?.allowedActions.includes(action) ?? false);
  const source = detail?.suggestion.source ?? null;
  const suggested = detail?.suggestion.bodyId ?? null;
  const lastReturn = detail?.events.filter((e) => e.action === 'return' || e.action === 'reopen').at(-1);

  return (
    <article class={`card${done ? ' done' : ''}`} data-case={n} data-testid="workbench-card">
      <header>
        <CaseLink caseNumber={n} /> <StatusBadge status={status} /> <strong>{summary.title}</strong>
        <span class="hint">
          {' '}
          · {date(summary.createdAt)} · {term(summary.channel)}
          {area ? ` · ${name(area)}` : ''}
          {summary.meTooCount > 0 ? ` · ${t('meTooCount')} ${summary.meTooCount}` : ''}
        </span>
      </header>
      {!done && <ReportPhotos caseNumber={n} />}
      {done && detail && (
        <p class="notice" data-testid="workbench-done">
          {term(status)}
          {detail.assignedBody ? ` → ${name(detail.assignedBody)}` : ''}
        </p>
      )}
      {!done && (
        <div class="card-grid">
          <dl class="facts routing" data-testid="routing">
            <dt>{t('category')}</dt>
            <dd>{name(summary.category)}</dd>
            <dt>{t('routingSource')}</dt>
            <dd data-testid="routing-source" data-source={source ?? ''}>
              {source ? term(`source_${source}`) : t('loading')}
            </dd>
            <dt>{t('suggestedLead')}</dt>
            <dd data-testid="suggested-lead">
              {detail && (suggested ? <BodyName id={suggested} /> : <em>{t('dispatcherChoice')}</em>)}
            </dd>
            <dt>{t('assistingBodies')}</dt>
            <dd>{detail && <BodyNames ids={detail.suggestion.assistingBodyIds} />}</dd>
            {lastReturn && (
              <>
                <dt>{t(lastReturn.action === 'return' ? 'returnReason' : 'reopenReason')}</dt>
                <dd data-testid="return-reason">
                  {lastReturn.note ?? '—'}
                  <span class="hint"> · {date(lastReturn.createdAt)}</span>
                </dd>
              </>
            )}
          </dl>
          {BEFORE_DISPATCH.includes(summary.status) && (
            <div>
              <h4>{t('possibleDuplicates')}</h4>
              <DuplicateList
                items={duplicates}
                busy={busy}
                onMerge={
                  allowed('merge')
                    ? (parent) => {
                        if (confirm(t('mergeConfirm').replace('{parent}', parent))) {
                          void act({ action: 'merge', parentCaseNumber: parent });
                        }
                      }
                    : undefined
                }
              />
            </div>
          )}
        </div>
      )}
      {!done && detail && (
        <footer class="card-actions">
          {allowed('register') && (
            <button type="button" disabled={busy} data-testid="wb-register" onClick={() => act({ action: 'register' })}>
              {term('register')}
            </button>
          )}
          {allowed('dispatch') && suggested && (
            <button
              type="button"
              disabled={busy}
              data-testid="wb-dispatch-suggested"
              onClick={() => act({ action: 'dispatch' })}
            >
              {t('dispatchToSuggestion')}: <BodyName id={suggested} />
            </button>
          )}
          {allowed('dispatch') && (
            <span class="dispatch-elsewhere">
              <BodySelect value={chosen} onChange={setChosen} suggestedBodyId={suggested} testId="wb-body" />
              <button
                type="button"
                class="secondary"
                disabled={busy || !chosen}
                data-testid="wb-dispatch-other"
                onClick={() => act({ action: 'dispatch', bodyId: chosen })}
              >
                {t('dispatchElsewhere')}
              </button>
              <OverrideHint chosen={chosen} suggestedBodyId={suggested} />
            </span>
          )}
          {status === 'reported' && !allowed('dispatch') && <span class="hint">{t('registerFirst')}</span>}
        </footer>
      )}
      {error && (
        <p class="error" data-testid="workbench-error">
          {error}
        </p>
      )}
    </article>
  );
}
