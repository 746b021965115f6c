import { useState } from 'preact/hooks';
import { api, type CallerHistory, errorText } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { useDeskText } from '../pages/desk-text.ts';
import { CaseLink } from './CaseLink.tsx';
import { StatusBadge } from './StatusBadge.tsx';

/** A number worth looking up: as many digits as the shortest landline. */
const LOOKUP_DIGITS = 7;

/**
 * Hotline intake, the caller first: the number they call from, at once their earlier cases and where each
 * stands (looked up by the server through the reporters' blind index, the number masked, each look-up in
 * the caller's access record), then their name. The fields are the form's reporterPhone and reporterName.
 */
export function CallerFields() {
  const { t, date } = useI18n();
  const text = useDeskText();
  const [history, setHistory] = useState<CallerHistory | null>(null);
  const [lookedUp, setLookedUp] = useState('');
  const [error, setError] = useState<string | null>(null);

  // Once per number: every look-up is recorded in the caller's access record.
  const lookUp = async (phone: string) => {
    const number = phone.replace(/\D/g, '');
    if (number.length < LOOKUP_DIGITS || number === lookedUp) return;
    setLookedUp(number);
    try {
      setHistory(await api<CallerHistory>('/cases/caller-history', { method: 'POST', body: { phone } }));
      setError(null);
    } catch (e) {
      setHistory(null);
      setError(errorText(e));
    }
  };
  const fromInput = (event: Event) => void lookUp((event.target as HTMLInputElement).value);

  return (
    <fieldset class="caller" data-testid="caller">
      <legend>{text('theCaller')}</legend>
      <div class="row">
        <label>
          {text('callerPhone')}
          <input
            name="reporterPhone"
            type="tel"
            maxLength={30}
            autoComplete="off"
            onBlur={fromInput}
            onKeyDown={(event) => {
              // Enter looks the caller up; it does not send the half-filled form.
              if (event.key === 'Enter') {
                event.preventDefault();
                fromInput(event);
              }
            }}
            data-testid="new-caller-phone"
          />
        </label>
        <label>
          {t('reporterName')}
          <input name="reporterName" maxLength={100} autoComplete="off" data-testid="new-caller-name" />
        </label>
      </div>
      {error && <p class="error">{error}</p>}
      {history && (
        <div class="caller-history" data-testid="caller-history">
          <h3>
            {text('callerHistory')} · {history.phone}
          </h3>
          {history.items.length === 0 ? (
            <p class="hint">{text('callerNone')}</p>
          ) : (
            <ul>
              {history.items.map((c) => (
                <li key={c.caseNumber} data-testid="caller-case">
                  <CaseLink caseNumber={c.caseNumber} /> <StatusBadge status={c.status} /> {c.title}{' '}
                  <span class="hint">{date(c.createdAt)}</span>
                </li>
              ))}
            </ul>
          )}
          {history.total > history.items.length && (
            <p class="hint">{text('callerMore', { total: history.total, shown: history.items.length })}</p>
          )}
          <p class="hint">{text('callerRecorded')}</p>
        </div>
      )}
    </fieldset>
  );
}
