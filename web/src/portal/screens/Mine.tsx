import { useEffect, useState } from 'preact/hooks';
import { api, type CaseSummary, errorText } from '../../api.ts';
import type { Answer } from '../../api-shapes.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { linkTo } from '../../router.ts';
import { useSession } from '../context.ts';
import { usePortalWords } from '../messages.ts';
import { usePortalReference } from '../reference.ts';

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
      <Following />
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

type Subscription = Answer<'/me/subscriptions'>[number];

/** What the resident follows, each with a way to stop. */
function Following() {
  const { w, name } = usePortalWords();
  const { reference } = usePortalReference();
  const areaName = (code: string | null) => {
    const area = code ? reference?.areas.find((a) => a.code === code) : undefined;
    return area ? name(area) : code;
  };
  const categoryName = (code: string | null) => {
    const category = code ? reference?.categoryByCode.get(code) : undefined;
    return category ? name(category) : code;
  };
  const [items, setItems] = useState<Subscription[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    api<Subscription[]>('/me/subscriptions')
      .then(setItems)
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    void load();
  }, []);
  if (!items.length && !error) return null;
  return (
    <section aria-labelledby="following-title">
      <h2 id="following-title">{w('following')}</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ul class="case-list" data-testid="following">
        {items.map((item) => (
          <li key={item.id} class="case-card inline">
            <span>
              {item.caseNumber
                ? w('followingCase', { n: item.caseNumber })
                : w('followingArea', {
                    area: [areaName(item.areaCode), categoryName(item.categoryCode)].filter(Boolean).join(' / '),
                  })}
            </span>
            <button
              type="button"
              class="secondary"
              onClick={() =>
                api(`/me/subscriptions/${item.id}`, { method: 'DELETE' })
                  .then(load)
                  .catch((e) => setError(errorText(e)))
              }
            >
              {w('unfollow')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
