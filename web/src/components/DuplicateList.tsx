import type { DuplicateCandidate } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { CaseLink } from './CaseLink.tsx';
import { StatusBadge } from './StatusBadge.tsx';

/** Earlier cases that may report the same problem, with a "merge into" button when merging is allowed. */
export function DuplicateList({
  items,
  onMerge,
  busy,
}: {
  items: DuplicateCandidate[];
  onMerge?: (parentCaseNumber: string) => void;
  busy?: boolean;
}) {
  const { t, number, date } = useI18n();
  if (items.length === 0) return <p class="hint">{t('noDuplicates')}</p>;
  return (
    <table class="cases compact" data-testid="duplicates">
      <thead>
        <tr>
          <th>{t('caseNumber')}</th>
          <th>{t('title')}</th>
          <th>{t('status')}</th>
          <th>{t('distance')}</th>
          <th>{t('similarity')}</th>
          <th title={t('meTooCount')}>{t('meTooShort')}</th>
          {onMerge && <th />}
        </tr>
      </thead>
      <tbody>
        {items.map((d) => (
          <tr key={d.caseNumber} data-duplicate={d.caseNumber}>
            <td class="nowrap">
              <CaseLink caseNumber={d.caseNumber} />
              <div class="hint">{date(d.createdAt)}</div>
            </td>
            <td class="title-cell">{d.title}</td>
            <td>
              <StatusBadge status={d.status} />
            </td>
            <td class="nowrap">{d.distanceMetres === null ? '—' : `${number(d.distanceMetres, 0)} m`}</td>
            <td title={`${t('score')} ${number(d.score * 100, 0)}`}>{`${number(d.similarity * 100, 0)}%`}</td>
            <td>{d.meTooCount}</td>
            {onMerge && (
              <td>
                <button
                  type="button"
                  class="secondary small nowrap"
                  disabled={busy}
                  data-testid={`merge-into-${d.caseNumber}`}
                  onClick={() => onMerge(d.caseNumber)}
                >
                  {t('mergeInto')}
                </button>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
