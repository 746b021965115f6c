import type { Light } from '../api.ts';
import { useI18n } from '../i18n.ts';

/** A deadline's traffic light: green on time, yellow at 80 % of the time, red overdue, grey paused. */
export function TrafficLight({ light, dueAt }: { light: Light | null; dueAt?: string }) {
  const { term, date } = useI18n();
  if (!light) return <span class="hint">—</span>;
  return (
    <span class={`light light-${light}`} data-light={light}>
      <span class="lamp" aria-hidden="true" />
      {term(`light_${light}`)}
      {dueAt && <span class="due"> · {date(dueAt)}</span>}
    </span>
  );
}
