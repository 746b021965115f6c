import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import {
  api,
  type Consents,
  type DataAccess,
  type DataRequest,
  download,
  errorText,
  type Identity,
  type PersonalData,
} from '../api.ts';
import { CaseLink } from '../components/CaseLink.tsx';
import { Changes, IDENTITY_FIELDS, useFieldLabel } from '../components/PersonalData.tsx';
import { type MessageKey, useI18n } from '../i18n.ts';
import { purposeLabel, usePurposes } from '../purposes.ts';

const CONSENTS: Array<{ consent: keyof Consents; label: MessageKey; hint: MessageKey }> = [
  { consent: 'publish', label: 'consentPublish', hint: 'consentPublishHint' },
  { consent: 'contact', label: 'consentContact', hint: 'consentContactHint' },
  { consent: 'statistics', label: 'consentStatistics', hint: 'consentStatisticsHint' },
];

/** What a correction may change (the ID number is corrected in person, with the card). */
const CORRECTABLE: Array<keyof Identity> = ['name', 'phone', 'address', 'email'];

/**
 * The citizen's own page (我的数据): their personal data in clear, who saw it and why, their consents,
 * and their correction and deletion requests.
 */
export function MyData() {
  const { t, date } = useI18n();
  const [data, setData] = useState<PersonalData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);

  useEffect(() => {
    api<PersonalData>('/me/personal-data')
      .then(setData)
      .catch((e) => setError(errorText(e)));
  }, []);

  return (
    <section class="my-data" data-testid="my-data">
      <h1>{t('myData')}</h1>
      <p class="hint">{t('myDataHint')}</p>
      {error && <p class="error">{error}</p>}
      {!data && !error && <p>{t('loading')}</p>}
      {data && (
        <>
          <div class="panel">
            <h2>{t('myPersonalData')}</h2>
            {data.anonymisedAt && (
              <p class="notice" data-testid="anonymised">
                {t('anonymisedAt').replace('{date}', date(data.anonymisedAt))}
              </p>
            )}
            <dl class="facts" data-testid="my-identity">
              {IDENTITY_FIELDS.map(({ field, label }) => (
                <Fragment key={field}>
                  <dt>{t(label)}</dt>
                  <dd data-testid={`my-${field}`}>{data.identity[field] ?? '—'}</dd>
                </Fragment>
              ))}
            </dl>
            <p>
              <button
                type="button"
                class="secondary"
                data-testid="download-my-data"
                onClick={() =>
                  download('/me/personal-data/export', 'my-data.json')
                    .then(() => setDownloadError(null))
                    .catch((e) => setDownloadError(errorText(e)))
                }
              >
                {t('downloadMyData')}
              </button>
            </p>
            {downloadError && <p class="error">{downloadError}</p>}
          </div>
          <ConsentSwitches initial={data.consents} />
        </>
      )}
      <DataAccesses />
      <MyDataRequests />
    </section>
  );
}

function ConsentSwitches({ initial }: { initial: Consents }) {
  const { t } = useI18n();
  const [consents, setConsents] = useState(initial);
  const [saved, setSaved] = useState<{ consent: keyof Consents; granted: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const change = async (consent: keyof Consents, granted: boolean) => {
    setBusy(true);
    setSaved(null);
    try {
      setConsents(await api<Consents>('/me/consents', { method: 'PUT', body: { [consent]: granted } }));
      setSaved({ consent, granted });
      setError(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="panel" data-testid="consents">
      <h2>{t('consents')}</h2>
      <ul class="consents">
        {CONSENTS.map(({ consent, label, hint }) => (
          <li key={consent}>
            <label class="switch">
              <input
                type="checkbox"
                data-testid={`consent-${consent}`}
                checked={consents[consent]}
                disabled={busy}
                onChange={(e) => void change(consent, e.currentTarget.checked)}
              />
              <span>{t(label)}</span>
            </label>
            <span class="hint">{t(hint)}</span>
          </li>
        ))}
      </ul>
      {saved && (
        <p
          class="notice"
          data-testid="consent-saved"
          data-consent={saved.consent}
          data-granted={String(saved.granted)}
          role="status"
        >
          {(saved.granted ? t('consentGiven') : t('consentWithdrawn')).replace(
            '{consent}',
            t(CONSENTS.find((c) => c.consent === saved.consent)!.label),
          )}
        </p>
      )}
      {error && <p class="error">{error}</p>}
    </div>
  );
}

function DataAccesses() {
  const i18n = useI18n();
  const { t, term, date, name } = i18n;
  const purposes = usePurposes();
  const fieldLabel = useFieldLabel();
  const [accesses, setAccesses] = useState<DataAccess[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<DataAccess[]>('/me/data-accesses')
      .then(setAccesses)
      .catch((e) => setError(errorText(e)));
  }, []);

  return (
    <div class="panel">
      <h2>{t('dataAccesses')}</h2>
      <p class="hint">{t('dataAccessesHint')}</p>
      {error && <p class="error">{error}</p>}
      {accesses && accesses.length === 0 && <p class="empty">{t('noDataAccesses')}</p>}
      <table
        class="cases compact"
        data-testid="data-accesses"
        data-loaded={String(accesses !== null)}
        hidden={accesses?.length === 0}
      >
        <thead>
          <tr>
            <th>{t('accessedAt')}</th>
            <th>{t('accessor')}</th>
            <th>{t('body')}</th>
            <th>{t('purpose')}</th>
            <th>{t('reason')}</th>
            <th>{t('fields')}</th>
            <th>{t('caseNumber')}</th>
          </tr>
        </thead>
        <tbody>
          {(accesses ?? []).map((a, i) => (
            <tr key={i} data-purpose={a.purpose} data-case={a.caseNumber ?? ''}>
              <td class="nowrap">{date(a.accessedAt)}</td>
              <td>
                {a.accessor.displayName} · {term(a.accessor.role)}
              </td>
              <td data-testid="access-body">
                {a.accessor.bodyNameZh && a.accessor.bodyNameEn
                  ? name({ nameZh: a.accessor.bodyNameZh, nameEn: a.accessor.bodyNameEn })
                  : '—'}
              </td>
              <td data-testid="access-purpose">{purposeLabel(i18n, purposes, a.purpose)}</td>
              <td>{a.reason ?? '—'}</td>
              <td>{a.fields.map(fieldLabel).join(i18n.language === 'zh-CN' ? '、' : ', ')}</td>
              <td class="nowrap">{a.caseNumber ? <CaseLink caseNumber={a.caseNumber} /> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MyDataRequests() {
  const { t, term, date } = useI18n();
  const fieldLabel = useFieldLabel();
  const [requests, setRequests] = useState<DataRequest[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [kind, setKind] = useState<'correction' | 'deletion'>('correction');
  const [reason, setReason] = useState('');
  const [changes, setChanges] = useState<Partial<Record<keyof Identity, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = () =>
    api<DataRequest[]>('/me/data-requests')
      .then(setRequests)
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    void load();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    const asked = Object.fromEntries(
      Object.entries(changes)
        .map(([field, value]) => [field, value?.trim()])
        .filter(([, value]) => value),
    );
    if (kind === 'correction' && Object.keys(asked).length === 0) {
      setFormError(t('correctionNeedsChange'));
      return;
    }
    setBusy(true);
    try {
      await api<DataRequest>('/me/data-requests', {
        method: 'POST',
        body: { kind, reason: reason.trim(), ...(kind === 'correction' ? { changes: asked } : {}) },
      });
      setReason('');
      setChanges({});
      setFormError(null);
      setSent(true);
      await load();
    } catch (e) {
      setFormError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="panel">
      <h2>{t('myDataRequests')}</h2>
      <form class="action-form data-request-form" data-testid="data-request-form" onSubmit={submit}>
        <label>
          {t('requestKind')}
          <select
            data-testid="request-kind"
            value={kind}
            onChange={(e) => {
              setKind(e.currentTarget.value as 'correction' | 'deletion');
              setSent(false);
            }}
          >
            <option value="correction">{term('request_correction')}</option>
            <option value="deletion">{term('request_deletion')}</option>
          </select>
        </label>
        {kind === 'correction' ? (
          <fieldset>
            <legend>{t('correctTo')}</legend>
            {CORRECTABLE.map((field) => (
              <label key={field}>
                {fieldLabel(field)}
                <input
                  data-testid={`request-change-${field}`}
                  inputMode={field === 'email' ? 'email' : field === 'phone' ? 'tel' : 'text'}
                  value={changes[field] ?? ''}
                  onInput={(e) => setChanges({ ...changes, [field]: e.currentTarget.value })}
                />
              </label>
            ))}
          </fieldset>
        ) : (
          <p class="hint">{t('deletionHint')}</p>
        )}
        <label>
          {t('reason')}
          <textarea
            data-testid="request-reason"
            rows={2}
            required
            maxLength={1000}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </label>
        {formError && <p class="error">{formError}</p>}
        {sent && (
          <p class="notice" data-testid="request-sent">
            {t('requestSent')}
          </p>
        )}
        <div class="form-buttons">
          <button type="submit" data-testid="request-submit" disabled={busy || !reason.trim()}>
            {t('submit')}
          </button>
        </div>
      </form>
      {error && <p class="error">{error}</p>}
      {requests && requests.length === 0 && <p class="empty">{t('noDataRequests')}</p>}
      {requests && requests.length > 0 && (
        <table class="cases compact" data-testid="my-data-requests">
          <thead>
            <tr>
              <th>{t('requestedAt')}</th>
              <th>{t('requestKind')}</th>
              <th>{t('changesAsked')}</th>
              <th>{t('reason')}</th>
              <th>{t('status')}</th>
              <th>{t('dueAt')}</th>
              <th>{t('decisionNote')}</th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.id} data-request={r.id} data-status={r.status}>
                <td class="nowrap">{date(r.submittedAt)}</td>
                <td>{term(`request_${r.kind}`)}</td>
                <td>
                  <Changes changes={r.changes} />
                </td>
                <td>{r.reason}</td>
                <td>
                  <span class={`status request-${r.status}`}>{term(`request_${r.status}`)}</span>
                  {r.decidedAt && <div class="hint">{date(r.decidedAt)}</div>}
                </td>
                <td class={`nowrap ${r.overdue ? 'overdue' : ''}`}>{date(r.dueAt)}</td>
                <td>{r.decisionNote ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
