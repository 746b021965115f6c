import { useState } from 'preact/hooks';
import { api, errorText, type SurveyResult } from '../../api.ts';
import { usePortalWords } from '../messages.ts';

const LEVELS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;

/** The reporter's rating of a closed case (回访): satisfaction, solved or not, and a comment. */
export function Rating({ caseNumber, onRated }: { caseNumber: string; onRated(): void }) {
  const { w, term } = usePortalWords();
  const [satisfaction, setSatisfaction] = useState<(typeof LEVELS)[number] | ''>('');
  const [solved, setSolved] = useState<boolean | null>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<SurveyResult | null>(null);

  if (done) {
    return (
      <p role="status" class="rated" data-testid="rated">
        {done.reopened ? w('reopened') : w('rated')}
      </p>
    );
  }
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!satisfaction || solved === null) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await api<SurveyResult>(`/cases/${caseNumber}/survey`, {
        method: 'POST',
        body: { satisfaction, solved, ...(comment.trim() ? { comment: comment.trim() } : {}) },
      });
      setDone(answer);
      onRated();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="rating" onSubmit={submit} aria-labelledby="rating-title" data-testid="rating">
      <h2 id="rating-title">{w('rateTitle')}</h2>
      <p class="hint">{w('rateLead')}</p>
      <fieldset>
        <legend class="visually-hidden">{w('rateTitle')}</legend>
        {LEVELS.map((level) => (
          <label key={level} class="choice">
            <input
              type="radio"
              name="satisfaction"
              value={level}
              checked={satisfaction === level}
              onChange={() => setSatisfaction(level)}
              data-testid={`rate-${level}`}
            />
            <span>{term(level)}</span>
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{w('solved')}</legend>
        <label class="choice">
          <input
            type="radio"
            name="solved"
            checked={solved === true}
            onChange={() => setSolved(true)}
            data-testid="rate-solved"
          />
          <span>{w('yes')}</span>
        </label>
        <label class="choice">
          <input
            type="radio"
            name="solved"
            checked={solved === false}
            onChange={() => setSolved(false)}
            data-testid="rate-unsolved"
          />
          <span>{w('no')}</span>
        </label>
      </fieldset>
      <label class="field">
        <span>{w('comment')}</span>
        <textarea
          rows={2}
          maxLength={2000}
          value={comment}
          onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)}
        />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button
        type="submit"
        class="primary"
        disabled={busy || !satisfaction || solved === null}
        data-testid="rate-submit"
      >
        {w('rate')}
      </button>
    </form>
  );
}
