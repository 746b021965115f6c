import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import type { Answer } from '../../api-shapes.ts';
import { useI18n } from '../../i18n.ts';
import { useEvaluationText } from './messages.ts';

type FirstContactFigures = Answer<'/evaluation/first-contact'>;

/**
 * The month's first-contact resolution (一次办结率): how many cases the desk answered from the knowledge
 * base instead of dispatching, as a share of all it answered or dispatched, with its definition.
 */
export function FirstContact({ month }: { month: string }) {
  const { language, percent } = useI18n();
  const say = useEvaluationText();
  const [figures, setFigures] = useState<FirstContactFigures | null>(null);
  useEffect(() => {
    setFigures(null);
    api<FirstContactFigures>(`/evaluation/first-contact?month=${month}`)
      .then(setFigures)
      .catch(() => setFigures(null));
  }, [month]);
  if (!figures) return null;
  return (
    <p class="first-contact" data-testid="first-contact" data-answered={figures.answered}>
      <strong>{say('firstContact')}</strong> <span data-testid="first-contact-rate">{percent(figures.rate)}</span>
      {' · '}
      {say('firstContactCounts', {
        answered: String(figures.answered),
        dispatched: String(figures.dispatched),
        reopened: String(figures.reopened),
      })}
      {figures.satisfactionRate !== null && ` · ${say('firstContactSatisfied')} ${percent(figures.satisfactionRate)}`}
      <span class="hint"> {language === 'zh-CN' ? figures.definition.zh : figures.definition.en}</span>
    </p>
  );
}
