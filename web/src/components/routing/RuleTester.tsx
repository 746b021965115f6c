import { useState } from 'preact/hooks';
import { api, errorText } from '../../api.ts';
import type { Answer } from '../../api-shapes.ts';
import { useI18n } from '../../i18n.ts';
import { AreaMapPicker } from '../AreaMapPicker.tsx';
import { BodyName, BodyNames } from '../BodyName.tsx';
import { CategoryPicker } from '../CategoryPicker.tsx';
import { AreaLabel, CategoryLabel } from './AreaLabels.tsx';

type TestResult = Answer<'/routing-rules/test'>;

/** "Which rule would apply here?": a category, a place and a time, and where such a case would go. */
export function RuleTester() {
  const { t, term } = useI18n();
  const [category, setCategory] = useState('');
  const [area, setArea] = useState<string[]>([]);
  const [result, setResult] = useState<TestResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const params = new URLSearchParams({ category });
    if (area[0]) params.set('gridCode', area[0]);
    // The time is the city's (UTC+8, no daylight saving).
    const at = String(form.get('at') ?? '');
    if (at) params.set('at', new Date(`${at}:00+08:00`).toISOString());
    try {
      setResult(await api<TestResult>(`/routing-rules/test?${params}`));
      setError(null);
    } catch (e) {
      setResult(null);
      setError(errorText(e));
    }
  };

  return (
    <form class="action-form rule-tester" data-testid="rule-tester" onSubmit={onSubmit}>
      <h2>{t('ruleTester')}</h2>
      <CategoryPicker value={category} onChange={setCategory} />
      <fieldset>
        <legend>{t('gridCode')}</legend>
        <AreaMapPicker value={area} onChange={setArea} testId="tester-grid" />
      </fieldset>
      <div class="row">
        <label>
          {t('reportedAtCity')}
          <input type="datetime-local" name="at" data-testid="tester-at" />
        </label>
        <button type="submit" disabled={!category} data-testid="tester-run">
          {t('test')}
        </button>
      </div>
      {error && <p class="error">{error}</p>}
      {result && (
        <dl class="facts tester-result" data-testid="tester-result" data-source={result.source}>
          <dt>{t('routingSource')}</dt>
          <dd>{term(`source_${result.source}`)}</dd>
          <dt>{t('leadBody')}</dt>
          <dd>{result.leadBodyId ? <BodyName id={result.leadBodyId} /> : <em>{t('dispatcherChoice')}</em>}</dd>
          <dt>{t('assistingBodies')}</dt>
          <dd>
            <BodyNames ids={result.assistingBodyIds} />
          </dd>
          <dt>{t('localTime')}</dt>
          <dd>{result.localTime}</dd>
          {result.rule && (
            <>
              <dt>{t('matchingRule')}</dt>
              <dd>
                <CategoryLabel code={result.rule.categoryCode} /> · <AreaLabel code={result.rule.areaCode} />
                {result.rule.window && ` · ${result.rule.window.start}–${result.rule.window.end}`}
                {result.rule.note && <div class="hint">{result.rule.note}</div>}
              </dd>
            </>
          )}
        </dl>
      )}
    </form>
  );
}
