import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type PublicCase } from '../../api.ts';
import { linkTo, navigate } from '../../router.ts';
import { CaseCard } from '../components/CaseCard.tsx';
import { CasesMap } from '../components/CasesMap.tsx';
import { FollowButton } from '../components/FollowButton.tsx';
import { usePortalWords } from '../messages.ts';
import { usePortalReference } from '../reference.ts';

const PAGE = 50;
const CASE_NUMBER = /^[0-9]{4}-[0-9]{1,10}$/;

/** The portal's front page: track by number, report, and the public cases on a map and in a list. */
export function Home() {
  const { w, name, language } = usePortalWords();
  const { reference, error: referenceError } = usePortalReference();
  const [filter, setFilter] = useState(() => {
    const query = new URLSearchParams(location.search);
    return { category: query.get('category') ?? '', area: query.get('area') ?? '', state: query.get('state') ?? '' };
  });
  const [items, setItems] = useState<PublicCase[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [number, setNumber] = useState('');
  const [numberError, setNumberError] = useState<string | null>(null);

  const query = new URLSearchParams(Object.entries(filter).filter(([, value]) => value !== '')).toString();

  const load = async (before?: string) => {
    try {
      const page = await api<PublicCase[]>(
        `/public/cases?limit=${PAGE}${query ? `&${query}` : ''}${before ? `&before=${encodeURIComponent(before)}` : ''}`,
      );
      setItems((previous) => (before ? [...previous, ...page] : page));
      setMore(page.length === PAGE);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoaded(true);
    }
  };

  useEffect(() => {
    setLoaded(false);
    history.replaceState(null, '', `/portal/${query ? `?${query}` : ''}`);
    void load();
  }, [query]);

  const track = (event: Event) => {
    event.preventDefault();
    const trimmed = number.trim();
    if (!CASE_NUMBER.test(trimmed)) return setNumberError(w('trackBadNumber'));
    setNumberError(null);
    navigate(`/portal/cases/${trimmed}`);
  };

  const feedQuery = new URLSearchParams({
    ...(filter.category ? { category: filter.category } : {}),
    ...(filter.area ? { area: filter.area } : {}),
    lang: language,
  }).toString();
  const topCategories = reference?.categories.filter((c) => c.level === 1) ?? [];

  return (
    <div class="home">
      <section class="hero" aria-labelledby="hero-title">
        <h1 id="hero-title">{w('appName')}</h1>
        <p>{w('appLead')}</p>
        <a class="button primary big" {...linkTo('/portal/report')} data-testid="start-report">
          {w('reportButton')}
        </a>
        <form class="track-form" onSubmit={track} aria-labelledby="track-title">
          <h2 id="track-title">{w('trackTitle')}</h2>
          <label class="field">
            <span>{w('trackLabel')}</span>
            <span class="inline">
              <input
                value={number}
                placeholder={w('trackPlaceholder')}
                onInput={(e) => setNumber((e.target as HTMLInputElement).value)}
                aria-describedby={numberError ? 'track-error' : undefined}
                data-testid="track-number"
              />
              <button type="submit" class="secondary" data-testid="track-submit">
                {w('trackButton')}
              </button>
            </span>
          </label>
          {numberError && (
            <p id="track-error" class="error" role="alert">
              {numberError}
            </p>
          )}
        </form>
      </section>

      <section aria-labelledby="public-title">
        <h2 id="public-title">{w('publicCasesTitle')}</h2>
        <p class="hint">{w('publicCasesLead')}</p>
        {referenceError && <p class="error">{errorText(referenceError)}</p>}
        <div class="portal-filters">
          <label class="field">
            <span>{w('filterCategory')}</span>
            <select
              value={filter.category}
              onChange={(e) => setFilter({ ...filter, category: (e.target as HTMLSelectElement).value })}
              data-testid="filter-category"
            >
              <option value="">{w('all')}</option>
              {topCategories.map((c) => (
                <option key={c.code} value={c.code}>
                  {name(c)}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            <span>{w('filterArea')}</span>
            <select
              value={filter.area}
              onChange={(e) => setFilter({ ...filter, area: (e.target as HTMLSelectElement).value })}
              data-testid="filter-area"
            >
              <option value="">{w('all')}</option>
              {reference?.areas.map((a) => (
                <option key={a.code} value={a.code}>
                  {a.level === 'street' ? `\u00a0\u00a0${name(a)}` : name(a)}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            <span>{w('filterState')}</span>
            <select
              value={filter.state}
              onChange={(e) => setFilter({ ...filter, state: (e.target as HTMLSelectElement).value })}
              data-testid="filter-state"
            >
              <option value="">{w('all')}</option>
              <option value="open">{w('stateOpen')}</option>
              <option value="closed">{w('stateClosed')}</option>
            </select>
          </label>
        </div>
        <div class="public-layout">
          {reference && <CasesMap cases={items} outlines={reference.outlines} label={w('mapLabel')} />}
          <div>
            {error && (
              <p class="error" role="alert">
                {error}
              </p>
            )}
            {!loaded && <p>{w('loading')}</p>}
            {loaded && items.length === 0 && !error && <p>{w('noCases')}</p>}
            <ul
              class="case-list"
              aria-label={w('listLabel')}
              data-testid="public-cases"
              data-loaded={String(loaded)}
              data-count={items.length}
            >
              {items.map((item) => (
                <CaseCard key={item.caseNumber} item={item} />
              ))}
            </ul>
            {more && (
              <button
                type="button"
                class="secondary"
                onClick={() => load(items.at(-1)?.caseNumber)}
                data-testid="public-more"
              >
                {w('loadMore')}
              </button>
            )}
            {(filter.area || filter.category) && (
              <p>
                <FollowButton
                  key={`${filter.area}/${filter.category}`}
                  target={{
                    ...(filter.area ? { areaCode: filter.area } : {}),
                    ...(filter.category ? { categoryCode: filter.category } : {}),
                  }}
                  label={w('followArea')}
                  testId="follow-area"
                />
              </p>
            )}
            <p class="feeds">
              {w('feeds')}{' '}
              <a href={`/api/v1/public/feeds/cases.atom?${feedQuery}`} data-testid="feed-atom">
                Atom
              </a>{' '}
              ·{' '}
              <a href={`/api/v1/public/feeds/cases.rss?${feedQuery}`} data-testid="feed-rss">
                RSS
              </a>
            </p>
          </div>
        </div>
      </section>
    </div>
  );
}
