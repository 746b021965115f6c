import type { Deadline } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { BodyName } from './BodyName.tsx';
import { TrafficLight } from './TrafficLight.tsx';

/** A case's deadlines (签收, 办结, 核查), running ones with their light, stopped ones with their outcome. */
export function Deadlines({ deadlines }: { deadlines: Deadline[] }) {
  const { t, term, date, number } = useI18n();
  if (deadlines.length === 0) return <p class="hint">{t('noDeadlines')}</p>;
  return (
    <table class="cases compact" data-testid="deadlines">
      <thead>
        <tr>
          <th>{t('deadlineKind')}</th>
          <th>{t('body')}</th>
          <th>{t('startedAt')}</th>
          <th>{t('dueAt')}</th>
          <th>{t('extension')}</th>
          <th>{t('light')}</th>
          <th>{t('outcome')}</th>
        </tr>
      </thead>
      <tbody>
        {deadlines.map((d) => (
          <tr key={`${d.kind}-${d.startedAt}`} data-kind={d.kind} data-outcome={d.outcome ?? ''}>
            <td>
              {term(d.kind)}
              {d.measure === 'wall' && <span class="hint"> ({t('wallClock')})</span>}
            </td>
            <td>{d.bodyId ? <BodyName id={d.bodyId} /> : '—'}</td>
            <td class="nowrap">{date(d.startedAt)}</td>
            <td class="nowrap">{date(d.dueAt)}</td>
            <td>
              {d.extendedMinutes > 0
                ? `+${number(d.extendedMinutes / 60, 1)} ${t(d.measure === 'working' ? 'workingHours' : 'hours')}`
                : '—'}
            </td>
            <td>
              <TrafficLight light={d.light} />
            </td>
            <td>
              {d.outcome ? term(`outcome_${d.outcome}`) : '—'}
              {d.stoppedAt && <span class="hint"> · {date(d.stoppedAt)}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
