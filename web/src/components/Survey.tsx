import { useState } from 'preact/hooks';
import { api, errorText, type Survey, type SurveyResult } from '../api.ts';
import { useI18n } from '../i18n.ts';

const LEVELS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;

/** An answer just given, and what it did to the case. */
export interface SurveyOutcome {
  satisfaction: (typeof LEVELS)[number];
  reopened: boolean;
}

/** The answers given after closures (回访). */
export function SurveyList({ surveys }: { surveys: Survey[] }) {
  const { t, term, date } = useI18n();
  if (surveys.length === 0) return <p class="hint">{t('noSurveys')}</p>;
  return (
    <ul class="surveys" data-testid="surveys">
      {surveys.map((s) => (
        <li key={s.createdAt} data-satisfaction={s.satisfaction}>
          <span class="when">{date(s.createdAt)}</span> <strong>{term(s.satisfaction)}</strong> ·{' '}
          {s.solved ? t('solvedYes') : t('solvedNo')}
          {s.reopened && <span class="status status-reopened">{t('reopenedBySurvey')}</span>}
          {!s.reopened && s.satisfaction === 'dissatisfied' && <span class="hint"> · {t('notReopenedLate')}</span>}
        </li>
      ))}
    </ul>
  );
}

/**
 * The survey after closure, answered by the reporter or by the desk calling them back (the case detail's
 * mayAnswerSurvey says when). A dissatisfied answer within the reopen window reopens the case; a later one,
 * e.g. a call-back after the window, is recorded without reopening it. The answer says which.
 */
export function SurveyForm({
  caseNumber,
  onAnswered,
}: {
  caseNumber: string;
  onAnswered(outcome: SurveyOutcome): void;
}) {
  const { t, term } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const comment = String(form.get('comment') ?? '').trim();
    const satisfaction = form.get('satisfaction') as SurveyOutcome['satisfaction'];
    setBusy(true);
    try {
      const { reopened } = await api<SurveyResult>(`/cases/${caseNumber}/survey`, {
        method: 'POST',
        body: { satisfaction, solved: form.get('solved') === 'yes', comment: comment || undefined },
      });
      setError(null);
      onAnswered({ satisfaction, reopened });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="action-form survey-form" data-testid="survey-form" onSubmit={onSubmit}>
      <h3>{t('survey')}</h3>
      <fieldset>
        <legend>{t('satisfaction')}</legend>
        {LEVELS.map((level) => (
          <label key={level} class="inline">
            <input type="radio" name="satisfaction" value={level} required data-testid={`survey-${level}`} />
            {term(level)}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('solvedQuestion')}</legend>
        <label class="inline">
          <input type="radio" name="solved" value="yes" required data-testid="survey-solved-yes" />
          {t('yes')}
        </label>
        <label class="inline">
          <input type="radio" name="solved" value="no" required data-testid="survey-solved-no" />
          {t('no')}
        </label>
      </fieldset>
      <label>
        {t('comment')}
        <textarea name="comment" rows={2} maxLength={2000} data-testid="survey-comment" />
      </label>
      <button type="submit" disabled={busy} data-testid="survey-submit">
        {t('submit')}
      </button>
      {error && (
        <p class="error" data-testid="survey-error">
          {error}
        </p>
      )}
    </form>
  );
}
