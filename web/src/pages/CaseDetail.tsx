import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, type CaseDetail as Detail } from '../api.ts';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useI18n } from '../i18n.ts';
import { useReference } from '../reference-data.ts';
import { linkTo } from '../router.ts';

export function CaseDetail({ caseNumber }: { caseNumber: string }) {
  const { t, term, name, date } = useI18n();
  const { categoryByCode, bodyById, areaFor } = useReference();
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setDetail(null);
    setError(null);
    api<Detail>(`/cases/${caseNumber}`)
      .then(setDetail)
      .catch((e: Error) => setError(e.message));
  }, [caseNumber]);

  if (error) return <p class="error">{error}</p>;
  if (!detail) return <p>{t('loading')}</p>;
  const category = categoryByCode.get(detail.category.code);
  const path = [detail.category.code.slice(0, 2), detail.category.code.slice(0, 4), detail.category.code]
    .filter((code, i, all) => all.indexOf(code) === i)
    .map((code) => categoryByCode.get(code))
    .filter((c) => c !== undefined);
  const area = areaFor(detail.gridCode);

  return (
    <section class="case-detail" data-testid="case-detail">
      <p>
        <a {...linkTo('/cases')}>← {t('back')}</a>
      </p>
      <h1>
        <span class="case-number">{detail.caseNumber}</span> {detail.title}
      </h1>
      <div class="detail-grid">
        <div>
          <dl>
            <dt>{t('status')}</dt>
            <dd data-testid="case-status">
              <StatusBadge status={detail.status} />
            </dd>
            <dt>{t('category')}</dt>
            <dd>{path.map((c) => name(c)).join(' / ') || (category ? name(category) : detail.category.code)}</dd>
            <dt>{t('body')}</dt>
            <dd>{detail.assignedBody ? name(detail.assignedBody) : '—'}</dd>
            <dt>{t('channel')}</dt>
            <dd>{term(detail.channel)}</dd>
            <dt>{t('priority')}</dt>
            <dd>{term(detail.priority)}</dd>
            <dt>{t('district')}</dt>
            <dd>{area ? name(area) : '—'}</dd>
            <dt>{t('gridCode')}</dt>
            <dd class="case-number">{detail.gridCode ?? '—'}</dd>
            <dt>{t('address')}</dt>
            <dd>{detail.address ?? '—'}</dd>
            <dt>{t('location')}</dt>
            <dd>
              {detail.location
                ? `${detail.location.longitude.toFixed(5)}, ${detail.location.latitude.toFixed(5)}`
                : '—'}
            </dd>
            <dt>{t('reworkCount')}</dt>
            <dd>{detail.reworkCount}</dd>
          </dl>
          <p class="description">{detail.description}</p>
        </div>
        <ActionPanel detail={detail} onDone={setDetail} />
      </div>
      <h2>{t('timeline')}</h2>
      <ol class="timeline" data-testid="timeline">
        {detail.events.map((e) => (
          <li key={e.seq}>
            <span class="when">{date(e.createdAt)}</span>
            <strong>{term(e.action)}</strong>
            {e.fromStatus && (
              <span class="transition">
                {term(e.fromStatus)} → {term(e.toStatus)}
              </span>
            )}
            <span class="who">
              {term(e.actorRole)}
              {e.actorName ? ` · ${e.actorName}` : ''}
            </span>
            {e.bodyId && bodyById.get(e.bodyId) && <span class="body">→ {name(bodyById.get(e.bodyId)!)}</span>}
            {e.reviewDate && <span class="body">{`${t('reviewDate')}: ${e.reviewDate}`}</span>}
            {e.note && <p class="note">{e.note}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}

function ActionPanel({ detail, onDone }: { detail: Detail; onDone(detail: Detail): void }) {
  const { t, term, name } = useI18n();
  const { lifecycle, bodies } = useReference();
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const requires = (action: string) => lifecycle.actions.find((a) => a.action === action)?.requires ?? [];

  const submit = async (action: string, form?: HTMLFormElement) => {
    const data = form ? new FormData(form) : undefined;
    const body: Record<string, unknown> = { action };
    for (const field of ['note', 'bodyId', 'reviewDate', 'address']) {
      const value = data?.get(field);
      if (typeof value === 'string' && value) body[field] = value;
    }
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
      onDone(await api<Detail>(`/cases/${detail.caseNumber}/actions`, { method: 'POST', body }));
      setOpen(null);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? `${e.message} (${e.code})` : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside class="actions" data-testid="actions">
      <h2>{t('actions')}</h2>
      {detail.allowedActions.length === 0 && <p class="hint">{t('noActions')}</p>}
      <div class="action-buttons">
        {detail.allowedActions.map((action) => (
          <button
            type="button"
            key={action}
            data-testid={`action-${action}`}
            disabled={busy}
            class={open === action ? 'active' : ''}
            onClick={() => (requires(action).length ? setOpen(action) : void submit(action))}
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
          {requires(open).includes('body') && (
            <label>
              {t('body')}
              <select name="bodyId" data-testid="action-body" value={detail.suggestedBodyId ?? ''} required>
                <option value="">{t('choose')}</option>
                {bodies.map((b) => (
                  <option key={b.id} value={b.id}>
                    {name(b)}
                    {b.id === detail.suggestedBodyId ? ` (${t('suggested')})` : ''}
                  </option>
                ))}
              </select>
            </label>
          )}
          {requires(open).includes('reviewDate') && (
            <label>
              {t('reviewDate')}
              <input type="date" name="reviewDate" required data-testid="action-review-date" />
            </label>
          )}
          {requires(open).includes('location') && (
            <>
              <label>
                {t('longitude')}
                <input
                  name="longitude"
                  type="number"
                  step="any"
                  min={-180}
                  max={180}
                  required
                  data-testid="action-longitude"
                />
              </label>
              <label>
                {t('latitude')}
                <input
                  name="latitude"
                  type="number"
                  step="any"
                  min={-90}
                  max={90}
                  required
                  data-testid="action-latitude"
                />
              </label>
              <label>
                {t('coordinateSystem')}
                <select name="crs">
                  <option value="wgs84">WGS-84 (GPS)</option>
                  <option value="gcj02">GCJ-02 (高德 / 腾讯)</option>
                  <option value="bd09">BD-09 (百度)</option>
                </select>
              </label>
              <label>
                {t('address')}
                <input name="address" maxLength={500} />
              </label>
            </>
          )}
          {requires(open).includes('note') && (
            <label>
              {t('note')}
              <textarea name="note" required rows={3} data-testid="action-note" />
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
