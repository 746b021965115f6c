import { useEffect, useState } from 'preact/hooks';
import { type AuditRecord, type AuditVerification, api, errorText } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { purposeLabel, usePurposes } from '../purposes.ts';

const PAGE = 100;

/** The status of a change's HTTP answer, when the entry records one (changes made through the API). */
function statusOf(record: AuditRecord): string {
  const status = record.details.status;
  return typeof status === 'number' || typeof status === 'string' ? String(status) : '—';
}

/**
 * The auditor's view: the audit trail, newest first, a page at a time (by `before` = the last seq seen),
 * filtered by action or subject, and a check of its hash chain.
 */
export function AuditTrail() {
  const i18n = useI18n();
  const { t, term, date } = i18n;
  const purposes = usePurposes();
  const [records, setRecords] = useState<AuditRecord[] | null>(null);
  const [more, setMore] = useState(false);
  const [action, setAction] = useState('');
  const [subjectId, setSubjectId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const [verifying, setVerifying] = useState(false);

  const load = async (before?: number) => {
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (before) params.set('before', String(before));
    if (action.trim()) params.set('action', action.trim());
    if (subjectId.trim()) params.set('subjectId', subjectId.trim());
    try {
      const page = await api<AuditRecord[]>(`/audit?${params}`);
      setRecords((previous) => (before ? [...(previous ?? []), ...page] : page));
      setMore(page.length === PAGE);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  };

  useEffect(() => {
    void load();
  }, []);

  const verify = async () => {
    setVerifying(true);
    try {
      setVerification(await api<AuditVerification>('/audit/verify'));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setVerifying(false);
    }
  };

  return (
    <section data-testid="audit-page">
      <h1>{t('auditTrail')}</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <input
          data-testid="audit-action"
          placeholder={t('auditAction')}
          value={action}
          onInput={(e) => setAction(e.currentTarget.value)}
        />
        <input
          data-testid="audit-subject"
          placeholder={t('auditSubject')}
          value={subjectId}
          onInput={(e) => setSubjectId(e.currentTarget.value)}
        />
        <button type="submit">{t('apply')}</button>
        <span class="spacer" />
        <button type="button" class="secondary" data-testid="audit-verify" disabled={verifying} onClick={verify}>
          {t('verifyChain')}
        </button>
      </form>
      {verification && (
        <p
          class={verification.ok ? 'notice' : 'error'}
          data-testid="audit-verify-result"
          data-ok={String(verification.ok)}
        >
          {verification.ok
            ? t('chainIntact').replace('{n}', String(verification.checked))
            : t('chainBroken')
                .replace('{seq}', String(verification.firstBad?.seq ?? '?'))
                .replace('{reason}', verification.firstBad?.reason ?? '')}
        </p>
      )}
      {error && <p class="error">{error}</p>}
      {!records && !error && <p>{t('loading')}</p>}
      {records && records.length === 0 && <p class="empty">{t('none')}</p>}
      {records && records.length > 0 && (
        <table class="cases compact" data-testid="audit-trail">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('auditTime')}</th>
              <th>{t('byRole')}</th>
              <th>{t('auditAction')}</th>
              <th>{t('auditSubject')}</th>
              <th>{t('purpose')}</th>
              <th>{t('status')}</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <tr key={r.seq} data-seq={r.seq} data-action={r.action}>
                <td class="num">{r.seq}</td>
                <td class="nowrap">{date(r.at)}</td>
                <td>{r.actorRole ? term(r.actorRole) : t('system')}</td>
                <td class="case-number">{r.action}</td>
                <td class="title-cell">
                  {r.subjectType ? <span class="hint">{r.subjectType} </span> : null}
                  {r.subjectId ?? '—'}
                </td>
                <td>{r.purpose ? purposeLabel(i18n, purposes, r.purpose) : '—'}</td>
                <td class="num">{statusOf(r)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more && records && (
        <p>
          <button
            type="button"
            class="secondary"
            data-testid="audit-more"
            onClick={() => load(records[records.length - 1]?.seq)}
          >
            {t('olderEntries')}
          </button>
        </p>
      )}
    </section>
  );
}
