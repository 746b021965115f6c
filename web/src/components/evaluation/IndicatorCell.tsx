import { useI18n } from '../../i18n.ts';

/** One figure of a table, formatted by kind, with its raw value kept in `data-value` for checks and copying. */
export function IndicatorCell({
  id,
  value,
  format,
  label,
}: {
  id: string;
  value: number | null;
  format: 'count' | 'rate' | 'hours' | 'score';
  /** The column's name, shown beside the figure where a table is laid out as a list (a phone). */
  label?: string;
}) {
  const { percent, number } = useI18n();
  const text =
    format === 'rate'
      ? percent(value)
      : format === 'hours'
        ? number(value, 1)
        : format === 'score'
          ? number(value, 2)
          : number(value, 0);
  return (
    <td class="num" data-indicator={id} data-label={label} data-value={value === null ? '' : String(value)}>
      {text}
    </td>
  );
}
