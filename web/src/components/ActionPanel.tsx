import { useState } from 'preact/hooks';
import { api, type CaseDetail, errorText } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { useReference } from '../reference-data.ts';
import { BodySelect, OverrideHint } from './BodySelect.tsx';
import { LocationPicker } from './LocationPicker.tsx';

/** The fields an action's form may carry, by the lifecycle's `requires` names. */
const TEXT_FIELDS = ['note', 'bodyId', 'reviewDate', 'address', 'parentCaseNumber', 'priority'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

/** The buttons of the actions the signed-in user may take on a case, with a form for those that need input. */
export function ActionPanel({ detail, onDone }: { detail: CaseDetail; onDone(detail: CaseDetail): void }) {
  const { t, term } = useI18n();
  // Answering at first contact needs an article: the proposed-answers panel beside this one takes it.
  const actions = detail.allowedActions.filter((action) => action !== 'answer');
  const { lifecycle } = useReference();
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [bodyId, setBodyId] = useState(detail.suggestion.bodyId ?? '');

  // A citizen's priority is a request: registering such a case asks the desk to confirm one.
  const confirmsPriority = (action: string) =>
    action === 'register' && detail.requestedPriority !== null && detail.requestedPriority !== detail.priority;
  const requires = (action: string) => [
    ...(lifecycle.actions.find((a) => a.action === action)?.requires ?? []),
    ...(confirmsPriority(action) ? ['priority'] : []),
  ];

  const submit = async (action: string, form?: HTMLFormElement) => {
    const data = form ? new FormData(form) : undefined;
    // The version shown: if anyone acted on the case since, the server refuses (CASE_ERR_STALE).
    const body: Record<string, unknown> = { action, version: detail.version };
    for (const field of TEXT_FIELDS) {
      const value = data?.get(field);
      if (typeof value === 'string' && value.trim()) body[field] = value.trim();
    }
    const days = data?.get('extensionDays');
    if (days) body.extensionDays = Number(days);
    const longitude = data?.get('longitude');
    const latitude = data?.get('latitude');
    if (longitude && latitude) {
      body.location = {
        longitude: Number(longitude),
        latitude: Number(latitude),
        crs: String(data?.get('crs') ?? 'wgs84'),
      };
    }
    setBusy(true);
    try {
      onDone(await api<CaseDetail>(`/cases/${detail.caseNumber}/actions`, { method: 'POST', body }));
      setOpen(null);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const needs = open ? requires(open) : [];
  return (
    <aside class="actions" data-testid="actions">
      <h2>{t('actions')}</h2>
      {actions.length === 0 && <p class="hint">{t('noActions')}</p>}
      <div class="action-buttons">
        {actions.map((action) => (
          <button
            type="button"
            key={action}
            data-testid={`action-${action}`}
            disabled={busy}
            class={open === action ? 'active' : ''}
            onClick={() => {
              setBodyId(detail.suggestion.bodyId ?? '');
              if (requires(action).length) setOpen(action);
              else void submit(action);
            }}
          >
            {term(action)}
          </button>
        ))}
      </div>
      {open && (
        <form
          class="action-form"
          data-testid="action-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit(open, e.target as HTMLFormElement);
          }}
        >
          <h3>{term(open)}</h3>
          {needs.includes('body') && (
            <label for="action-body">
              {t('body')}
              <BodySelect
                id="action-body"
                name="bodyId"
                testId="action-body"
                value={bodyId}
                onChange={setBodyId}
                suggestedBodyId={detail.suggestion.bodyId}
                required
              />
              <OverrideHint chosen={bodyId} suggestedBodyId={detail.suggestion.bodyId} />
            </label>
          )}
          {needs.includes('priority') && (
            <label>
              {t('confirmPriority')}
              <select name="priority" data-testid="action-priority" value={detail.requestedPriority ?? detail.priority}>
                {PRIORITIES.map((p) => (
                  <option key={p} value={p}>
                    {term(p)}
                    {p === detail.requestedPriority ? ` (${t('askedByCitizen')})` : ''}
                  </option>
                ))}
              </select>
            </label>
          )}
          {needs.includes('parentCase') && (
            <label>
              {t('parentCase')}
              <input
                name="parentCaseNumber"
                required
                pattern="[0-9]{4}-[0-9]{6,}"
                placeholder="2026-000123"
                data-testid="action-parent-case"
              />
            </label>
          )}
          {needs.includes('extensionDays') && (
            <label>
              {t('extensionDays')}
              <input
                name="extensionDays"
                type="number"
                min={1}
                max={30}
                step={1}
                required
                data-testid="action-extension-days"
              />
            </label>
          )}
          {needs.includes('reviewDate') && (
            <label>
              {t('reviewDate')}
              <input type="date" name="reviewDate" required data-testid="action-review-date" />
            </label>
          )}
          {needs.includes('location') && <LocationFields current={detail.location} />}
          {needs.includes('note') && (
            <label>
              {open === 'request_extension' || open === 'return' ? t('reason') : t('note')}
              <textarea name="note" required rows={3} maxLength={2000} data-testid="action-note" />
            </label>
          )}
          <div class="form-buttons">
            <button type="submit" disabled={busy} data-testid="action-submit">
              {t('submit')}
            </button>
            <button type="button" class="secondary" onClick={() => setOpen(null)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      )}
      {error && (
        <p class="error" data-testid="action-error">
          {error}
        </p>
      )}
    </aside>
  );
}

/** The case's new place (relocate): picked on the map from where it is now, or typed. */
function LocationFields({ current }: { current: CaseDetail['location'] }) {
  const { t } = useI18n();
  return (
    <>
      <LocationPicker testId="action" initial={current} withCrs required />
      <label>
        {t('address')}
        <input name="address" maxLength={500} />
      </label>
    </>
  );
}
