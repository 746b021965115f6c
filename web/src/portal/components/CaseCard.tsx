import type { PublicCase } from '../../api.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { linkTo } from '../../router.ts';
import { usePortalWords } from '../messages.ts';

/** One published case in a list: number, title, category, status, date and its "me too" count. */
export function CaseCard({ item, children }: { item: PublicCase; children?: preact.ComponentChildren }) {
  const { w, name, date } = usePortalWords();
  return (
    <li class="case-card" data-testid={`public-case-${item.caseNumber}`}>
      <a class="case-card-title" {...linkTo(`/portal/cases/${item.caseNumber}`)}>
        {item.textHiddenReason === null ? item.title : w('textHidden', { reason: item.textHiddenReason })}
      </a>
      <p class="case-card-meta">
        <StatusBadge status={item.status} /> <span>{name(item.category)}</span> ·{' '}
        <span class="nowrap">{date(item.createdAt)}</span> · <span class="case-number">{item.caseNumber}</span>
        {item.meTooCount > 0 && (
          <>
            {' '}
            · <span data-testid="me-too-count">{w('meTooCount', { n: item.meTooCount })}</span>
          </>
        )}
      </p>
      {children}
    </li>
  );
}
