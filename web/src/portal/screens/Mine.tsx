import { useEffect, useState } from 'preact/hooks';
import { api, type CaseSummary, errorText } from '../../api.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { linkTo } from '../../router.ts';
import { useSession } from '../context.ts';
import { usePortalWords } from '../messages.ts';

/** The signed-in resident's own reports, published or not, newest first. */
export function Mine() {
  const { w, date } = usePortalWords();
  const { me, signedIn } = useSession();
  const [items, setItems] = useState<CaseSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!me) return;
    api<{ items: CaseSummary[] }>('/cases?limit=100')
      .then((page) => setItems(page.items))
      .catch((e) => setError(errorText(e)));
  }, [me?.userId]);

  if (me === null) {
    return (
      <section>
        <h1>{w('mineTitle')}</h1>
        <p>{w('mineSignIn')}</p>
        <button type="button" class="primary" onClick={() => void signedIn()} data-testid="mine-sign-in">
          {w('signIn')}
        </button>
      </section>
    );
  }
  return (
    <section>
      <h1>{w('mineTitle')}</h1>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!items && !error && <p>{w('loading')}</p>}
      {items?.length === 0 && <p>{w('mineEmpty')}</p>}
      <ul class="case-list" data-testid="my-cases">
        {items?.map((item) => (
          <li key={item.caseNumber} class="case-card">
            <a class="case-card-title" {...linkTo(`/portal/cases/${item.caseNumber}`)}>
              {item.title}
            </a>
            <p class="case-card-meta">
              <StatusBadge status={item.status} /> <span class="nowrap">{date(item.createdAt)}</span> ·{' '}
              <span class="case-number">{item.caseNumber}</span>
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
