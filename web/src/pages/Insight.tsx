import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type HotIssue, type JudgedReply, type Me } from '../api.ts';
import { CaseLink } from '../components/CaseLink.tsx';
import { useI18n } from '../i18n.ts';

const SHOWN_MEMBERS = 6;

/** YYYY-MM-DD of a day `daysAgo` before today, in the browser's time (the city's, for its staff). */
function dayBefore(daysAgo: number): string {
  const d = new Date(Date.now() - daysAgo * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * What the cases say together: the hot issues of a period (chart, table, CSV download) and, for
 * supervisors, the weakest replies handling bodies gave, with the reasons.
 */
export function Insight({ me }: { me: Me }) {
  const { t, date, language } = useI18n();
  const [from, setFrom] = useState(dayBefore(89));
  const [to, setTo] = useState(dayBefore(0));
  const [issues, setIssues] = useState<HotIssue[] | null>(null);
  const [replies, setReplies] = useState<JudgedReply[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ChartView, setChartView] = useState<ComponentType<{ issues: HotIssue[] }> | null>(null);
  const seesReplies = me.role === 'supervisor' || me.role === 'admin';
  const query = new URLSearchParams({ from, to, top: '10' }).toString();

  const load = async () => {
    try {
      setIssues((await api<{ issues: HotIssue[] }>(`/insight/hot-issues?${query}`)).issues);
      if (seesReplies) {
        setReplies((await api<{ replies: JudgedReply[] }>(`/insight/replies?from=${from}&to=${to}&limit=10`)).replies);
      }
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  };

  useEffect(() => {
    void load();
    void import('../components/insight/HotIssueChart.tsx').then((m) => setChartView(() => m.HotIssueChart));
  }, []);

  return (
    <section>
      <h1>{t('hotIssues')}</h1>
      <p class="hint">{t('hotIssuesHint')}</p>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <label>
          {t('from')}
          <input type="date" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          {t('to')}
          <input type="date" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit">{t('apply')}</button>
        <span class="spacer" />
        <a href={`/api/v1/insight/hot-issues/export?${query}`} download data-testid="hot-issues-csv">
          CSV
        </a>
      </form>
      {error && <p class="error">{error}</p>}
      {issues?.length === 0 && <p class="hint">{t('noHotIssues')}</p>}
      {issues && issues.length > 0 && (
        <>
          {ChartView && <ChartView issues={issues} />}
          <table data-testid="hot-issues">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('heat')}</th>
                <th>{t('title')}</th>
                <th>{t('place')}</th>
                <th>{t('period')}</th>
                <th>{t('messages')}</th>
                <th>{t('reporters')}</th>
                <th>{t('supports')}</th>
                <th>{t('members')}</th>
              </tr>
            </thead>
            <tbody>
              {issues.map((i) => (
                <tr key={i.representativeCaseNumber}>
                  <td>{i.rank}</td>
                  <td data-label={t('heat')}>{i.heat.toFixed(1)}</td>
                  <td>
                    {i.title}
                    <div class="hint">{i.keywords.slice(0, 5).join(' · ')}</div>
                  </td>
                  <td>{[i.place?.text, i.districtName].filter(Boolean).join(' · ') || '—'}</td>
                  <td>
                    {date(i.from)} – {date(i.to)}
                  </td>
                  <td data-label={t('messages')}>{i.caseNumbers.length}</td>
                  <td data-label={t('reporters')}>{i.reporters}</td>
                  <td data-label={t('supports')}>{i.supports}</td>
                  <td class="link-list">
                    {i.caseNumbers.slice(0, SHOWN_MEMBERS).map((n) => (
                      <CaseLink key={n} caseNumber={n} />
                    ))}
                    {i.caseNumbers.length > SHOWN_MEMBERS && <span>+{i.caseNumbers.length - SHOWN_MEMBERS}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {seesReplies && (
        <>
          <h2>{t('weakestReplies')}</h2>
          <p class="hint">{t('repliesHint')}</p>
          {replies?.length === 0 && <p class="hint">{t('noReplies')}</p>}
          {replies && replies.length > 0 && (
            <table data-testid="weakest-replies">
              <thead>
                <tr>
                  <th>{t('caseNumber')}</th>
                  <th>{t('score')}</th>
                  <th>{t('reasons')}</th>
                  <th>{t('workingDays')}</th>
                </tr>
              </thead>
              <tbody>
                {replies.map((r) => (
                  <tr key={r.caseNumber}>
                    <td>
                      <CaseLink caseNumber={r.caseNumber} />
                      <div class="hint">{r.reply.length > 60 ? `${r.reply.slice(0, 59)}…` : r.reply}</div>
                    </td>
                    <td data-label={t('score')}>{r.judgement.score.toFixed(0)}</td>
                    <td>
                      <ul class="changes">
                        {(language === 'zh-CN' ? r.judgement.reasons.zh : r.judgement.reasons.en).map((reason) => (
                          <li key={reason}>{reason}</li>
                        ))}
                      </ul>
                    </td>
                    <td data-label={t('workingDays')}>{r.judgement.workingDays ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
