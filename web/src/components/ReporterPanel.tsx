import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type Me, type Reporter } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { purposeLabel, usePurposes } from '../purposes.ts';
import { IDENTITY_FIELDS } from './PersonalData.tsx';

/** The server asks for a sentence: it is shown to the citizen. */
const MIN_REASON = 4;

/**
 * A case's reporter as staff see it: masked, with the personal data found in the case's text. Seeing it in
 * clear takes a purpose the role allows and a reason (both shown to the citizen and kept in the audit
 * trail), and lasts a few minutes.
 */
export function ReporterPanel({
  caseNumber,
  reporter,
  me,
  onChange,
}: {
  caseNumber: string;
  reporter: Reporter;
  me: Me;
  onChange(reporter: Reporter): void;
}) {
  const i18n = useI18n();
  const { t, term } = i18n;
  const purposes = usePurposes();
  const allowed = purposes.filter((p) => p.unmasks && p.roles.includes(me.role));
  const [open, setOpen] = useState(false);
  const [purpose, setPurpose] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // When the grant ends, the values go back to masked: ask again then.
  useEffect(() => {
    if (!reporter.grant) return;
    const wait = new Date(reporter.grant.expiresAt).getTime() - Date.now();
    const timer = setTimeout(
      () =>
        void api<Reporter>(`/cases/${caseNumber}/reporter`)
          .then(onChange)
          .catch(() => {}),
      Math.max(1000, wait + 1000),
    );
    return () => clearTimeout(timer);
  }, [caseNumber, reporter.grant?.expiresAt]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      onChange(
        await api<Reporter>(`/cases/${caseNumber}/reporter/unmask`, {
          method: 'POST',
          body: { purpose: purpose || allowed[0]?.purpose, reason: reason.trim() },
        }),
      );
      setOpen(false);
      setReason('');
      setError(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside class="reporter-panel" data-testid="reporter-panel" data-masked={String(reporter.masked)}>
      <h2>{t('reporterPanel')}</h2>
      <dl class="facts">
        {IDENTITY_FIELDS.map(({ field, label }) => (
          <Fragment key={field}>
            <dt>{t(label)}</dt>
            <dd data-testid={`reporter-${field}`} class={field === 'phone' ? 'nowrap' : ''}>
              {reporter.identity[field] ?? '—'}
            </dd>
          </Fragment>
        ))}
      </dl>
      {reporter.textItems.length > 0 && (
        <>
          <h3>{t('personalDataInText')}</h3>
          <ul class="text-items" data-testid="reporter-text-items">
            {reporter.textItems.map((item, i) => (
              <li key={i} data-kind={item.kind}>
                <span class="hint">{term(`pd_${item.kind}`)}</span> {item.value}
              </li>
            ))}
          </ul>
        </>
      )}
      {reporter.grant && !reporter.masked ? (
        <p class="notice" data-testid="reporter-grant">
          {t('visibleUntil').replace('{time}', i18n.time(reporter.grant.expiresAt))} ·{' '}
          {purposeLabel(i18n, purposes, reporter.grant.purpose)}
        </p>
      ) : (
        <p class="hint" data-testid="reporter-masked">
          {t('maskedHint')}
        </p>
      )}
      {reporter.masked && allowed.length > 0 && !open && (
        <button
          type="button"
          class="secondary"
          data-testid="unmask-open"
          onClick={() => {
            setPurpose(allowed[0]!.purpose);
            setOpen(true);
          }}
        >
          {t('unmask')}
        </button>
      )}
      {open && (
        <form class="action-form" data-testid="unmask-form" onSubmit={submit}>
          <label>
            {t('purpose')}
            <select data-testid="unmask-purpose" value={purpose} onChange={(e) => setPurpose(e.currentTarget.value)}>
              {allowed.map((p) => (
                <option key={p.purpose} value={p.purpose}>
                  {i18n.language === 'zh-CN' ? p.zh : p.en}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('unmaskReason')}
            <textarea
              data-testid="unmask-reason"
              rows={2}
              required
              minLength={MIN_REASON}
              maxLength={500}
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
            />
          </label>
          <p class="hint">{t('unmaskHint')}</p>
          {error && (
            <p class="error" data-testid="unmask-error">
              {error}
            </p>
          )}
          <div class="form-buttons">
            <button type="submit" data-testid="unmask-submit" disabled={busy || reason.trim().length < MIN_REASON}>
              {t('unmaskSubmit')}
            </button>
            <button type="button" class="secondary" onClick={() => setOpen(false)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      )}
    </aside>
  );
}
