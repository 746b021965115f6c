import { useEffect, useState } from 'preact/hooks';
import { type AuditRecord, type AuditVerification, api, errorText } from '../api.ts';
import { AUDIT_ACTIONS, type Translator, useI18n } from '../i18n.ts';
import { purposeLabel, usePurposes } from '../purposes.ts';
import { linkTo } from '../router.ts';

const PAGE = 100;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The city's days: a date picked is a day in China Standard Time (UTC+8, no daylight saving). */
const dayStarts = (day: string) => new Date(`${day}T00:00:00+08:00`);

interface Filters {
  /** First day shown (YYYY-MM-DD), or empty. */
  from: string;
  /** Last day shown, included, or empty. */
  to: string;
  /** A user name, or part of a display name. */
  person: string;
  action: string;
}

const NO_FILTERS: Filters = { from: '', to: '', person: '', action: '' };

/** The query the filters make: a period of whole days, the person and the action, filtered by the server. */
function queryOf(filters: Filters, before?: number): URLSearchParams {
  const params = new URLSearchParams({ limit: String(PAGE) });
  if (before) params.set('before', String(before));
  if (filters.from) params.set('from', dayStarts(filters.from).toISOString());
  if (filters.to) params.set('to', new Date(dayStarts(filters.to).getTime() + DAY_MS).toISOString());
  if (filters.person.trim()) params.set('actor', filters.person.trim());
  if (filters.action) params.set('action', filters.action);
  return params;
}

/** The status of a change's HTTP answer, when the entry records one (changes made through the API). */
function statusOf(record: AuditRecord): number | null {
  const status = Number(record.details.status);
  return Number.isInteger(status) ? status : null;
}

/** What was done, in words: the action, and for a step on a case which step. */
function whatWasDone(i18n: Translator, record: AuditRecord): string {
  if (record.action.startsWith('cli.')) return `${i18n.t('auditCommand')}: civicgrid ${record.subjectId ?? ''}`;
  const step = record.details.step;
  const action = i18n.auditAction(record.action);
  return typeof step === 'string' ? `${action} · ${i18n.term(step)}` : action;
}

function Who({ record }: { record: AuditRecord }) {
  const { t, term } = useI18n();
  if (record.actor) {
    return (
      <span class="audit-who">
        <strong>{record.actor.displayName}</strong> <span class="hint">{record.actor.username}</span>
        {record.actorRole && <span class="hint"> · {term(record.actorRole)}</span>}
      </span>
    );
  }
  if (record.actorRole === 'operator') return <span>{t('auditOperator')}</span>;
  return <span>{record.actorRole ? term(record.actorRole) : t('system')}</span>;
}

/** What the entry was about: the case (a link), or the kind of thing with what identifies it to a person. */
function Subject({ record }: { record: AuditRecord }) {
  const { auditSubject } = useI18n();
  if (record.caseNumber) {
    return (
      <a {...linkTo(`/cases/${record.caseNumber}`)} class="case-number">
        {record.caseNumber}
      </a>
    );
  }
  if (!record.subjectType) return null;
  // A person's own data: the subject is the actor themself (their internal id says nothing more).
  const shown =
    record.subjectType === 'person' || record.subjectType === 'command'
      ? null
      : record.subjectType === 'data_request'
        ? record.subjectId?.slice(0, 8)
        : record.subjectId;
  return (
    <span>
      {auditSubject(record.subjectType)}
      {shown && <span class="hint case-number"> {shown}</span>}
    </span>
  );
}

/**
 * The auditor's view: the audit trail, newest first, a page at a time (by `before` = the last seq seen):
 * who did what, on which case, when and why, filtered by period, person and action; and a check of its
 * hash chain.
 */
export function AuditTrail() {
  const i18n = useI18n();
  const { t, date } = i18n;
  const purposes = usePurposes();
  const [records, setRecords] = useState<AuditRecord[] | null>(null);
  const [more, setMore] = useState(false);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [error, setError] = useState<string | null>(null);
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const [verifying, setVerifying] = useState(false);

  const load = async (before?: number) => {
    try {
      const page = await api<AuditRecord[]>(`/audit?${queryOf(filters, before)}`);
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

  const set = (field: keyof Filters) => (e: { currentTarget: { value: string } }) =>
    setFilters({ ...filters, [field]: e.currentTarget.value });
  const actions = AUDIT_ACTIONS.map((code) => ({ code, label: i18n.auditAction(code) })).sort((a, b) =>
    a.label.localeCompare(b.label, i18n.language),
  );

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
          type="date"
          data-testid="audit-from"
          aria-label={t('from')}
          title={t('from')}
          value={filters.from}
          onInput={set('from')}
        />
        <input
          type="date"
          data-testid="audit-to"
          aria-label={t('to')}
          title={t('to')}
          value={filters.to}
          onInput={set('to')}
        />
        <input
          data-testid="audit-person"
          placeholder={t('auditPerson')}
          aria-label={t('auditPerson')}
          value={filters.person}
          onInput={set('person')}
        />
        <select
          data-testid="audit-action"
          aria-label={t('auditAction')}
          value={filters.action}
          onChange={set('action')}
        >
          <option value="">{t('allActions')}</option>
          {actions.map((a) => (
            <option key={a.code} value={a.code}>
              {a.label}
            </option>
          ))}
        </select>
        <button type="submit" data-testid="audit-apply">
          {t('apply')}
        </button>
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
      {records && records.length === 0 && (
        <p class="empty" data-testid="audit-none">
          {t('none')}
        </p>
      )}
      {records && records.length > 0 && (
        <table class="cases compact audit-trail" data-testid="audit-trail">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('auditTime')}</th>
              <th>{t('auditWho')}</th>
              <th>{t('auditAction')}</th>
              <th>{t('auditSubject')}</th>
              <th>{t('purpose')}</th>
              <th>{t('status')}</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => {
              const status = statusOf(r);
              return (
                <tr key={r.seq} data-seq={r.seq} data-action={r.action}>
                  <td class="num hint">{r.seq}</td>
                  <td class="nowrap">{date(r.at)}</td>
                  <td class="title-cell" data-testid="audit-who">
                    <Who record={r} />
                  </td>
                  <td data-label={t('auditAction')} data-testid="audit-what">
                    {whatWasDone(i18n, r)}
                  </td>
                  {r.caseNumber || r.subjectType ? (
                    <td data-label={t('auditSubject')} data-testid="audit-subject">
                      <Subject record={r} />
                    </td>
                  ) : (
                    <td class="empty-cell">—</td>
                  )}
                  {r.purpose ? (
                    <td data-label={t('purpose')}>{purposeLabel(i18n, purposes, r.purpose)}</td>
                  ) : (
                    <td class="empty-cell">—</td>
                  )}
                  {status === null ? (
                    <td class="num empty-cell">—</td>
                  ) : (
                    <td class={status >= 400 ? 'num refused' : 'num'} data-label={t('status')}>
                      {status >= 400 ? `${t('auditRefused')} ${status}` : status}
                    </td>
                  )}
                </tr>
              );
            })}
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
