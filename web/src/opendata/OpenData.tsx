import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorText } from '../api.ts';
import type { Answer, Body } from '../api-shapes.ts';
import { useOpenDataText } from './opendata-text.ts';
import './opendata.css';

type Release = Answer<'/public/open-data/releases'>['items'][number];
type Budget = Answer<'/open-data/budgets'>['items'][number];
type ReleaseBody = Body<'/open-data/releases', 'post'>;

const AREA_LEVELS = ['district', 'street', 'grid'] as const;
/** The download formats, as their names are written. */
const FORMATS = { csv: 'CSV', json: 'JSON', geojson: 'GeoJSON' } as const;

/** A month as `<input type="month">` writes it, `offset` months from this one. */
function month(offset: number): string {
  const at = new Date();
  at.setDate(1);
  at.setMonth(at.getMonth() + offset);
  return `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}`;
}

/** A release's download links; the downloads are public, so plain links do. */
export function Downloads({ release }: { release: Pick<Release, 'id'> }) {
  return (
    <span class="downloads">
      {Object.entries(FORMATS).map(([format, name]) => (
        <a key={format} href={`/api/v1/public/open-data/releases/${release.id}/data.${format}`} download>
          {name}
        </a>
      ))}
    </span>
  );
}

/** 开放数据: the data steward publishes aggregate releases and keeps each dataset's ε budget. */
export function OpenData() {
  const { w, date, number } = useOpenDataText();
  const [releases, setReleases] = useState<Release[] | null>(null);
  const [budgets, setBudgets] = useState<Budget[] | null>(null);
  const [noise, setNoise] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = () => {
    api<Answer<'/public/open-data/releases'>>('/public/open-data/releases')
      .then((answer) => setReleases(answer.items))
      .catch((e) => setError(errorText(e)));
    api<Answer<'/open-data/budgets'>>('/open-data/budgets')
      .then((answer) => setBudgets(answer.items))
      .catch((e) => setError(errorText(e)));
  };
  useEffect(load, []);

  const publish = (event: Event) => {
    event.preventDefault();
    const element = event.currentTarget as HTMLFormElement;
    const form = new FormData(element);
    const field = (name: string) => String(form.get(name) ?? '').trim();
    const body: ReleaseBody = {
      title: field('title'),
      areaLevel: field('areaLevel') as ReleaseBody['areaLevel'],
      from: field('from'),
      to: field('to'),
      threshold: Number(field('threshold')),
      ...(noise ? { epsilon: Number(field('epsilon')), mechanism: field('mechanism') as 'geometric' | 'laplace' } : {}),
    };
    setBusy(true);
    setError(null);
    setNotice(null);
    api<Release>('/open-data/releases', { method: 'POST', body })
      .then((release) => {
        setNotice(w('published', { title: release.title }));
        // The title goes, so that the same release is not published twice by a second click.
        const title = element.querySelector<HTMLInputElement>('input[name="title"]');
        if (title) title.value = '';
        load();
      })
      .catch((e) => setError(refusal(e)))
      .finally(() => setBusy(false));
  };

  // Past the budget, the steward is told what remains and what to do, the server's code after it.
  const refusal = (e: unknown) =>
    e instanceof ApiError && e.code === 'OPENDATA_ERR_BUDGET_EXCEEDED' && e.details
      ? `${w('overBudget', {
          epsilon: String(e.details.epsilon),
          remaining: String(e.details.remainingEpsilon),
          dataset: String(e.details.dataset),
        })} (${e.code})`
      : errorText(e);

  const setTotal = (dataset: string) => (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const totalEpsilon = Number(form.get('totalEpsilon'));
    setError(null);
    setNotice(null);
    api<Budget>(`/open-data/budgets/${dataset}`, { method: 'PUT', body: { totalEpsilon } })
      .then((budget) => {
        setNotice(w('saved', { total: budget.totalEpsilon }));
        load();
      })
      .catch((e) => setError(errorText(e)));
  };

  const mechanismName = (mechanism: string) =>
    mechanism === 'laplace' ? w('mechLaplace') : mechanism === 'geometric' ? w('mechGeometric') : mechanism;

  return (
    <section class="open-data" data-testid="open-data">
      <h1>{w('title')}</h1>
      <p class="hint">{w('intro')}</p>
      <h2>{w('publish')}</h2>
      <form class="release-form" onSubmit={publish} data-testid="release-form">
        <label class="wide">
          {w('releaseTitle')}
          <input name="title" required minLength={2} maxLength={200} autocomplete="off" />
        </label>
        <label>
          {w('areaLevel')}
          <select name="areaLevel">
            {AREA_LEVELS.map((level) => (
              <option key={level} value={level}>
                {w(level)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {w('from')}
          <input type="month" name="from" required defaultValue={month(-11)} />
        </label>
        <label>
          {w('to')}
          <input type="month" name="to" required defaultValue={month(0)} />
        </label>
        <label>
          {w('threshold')}
          <input type="number" name="threshold" required min={1} max={100} step={1} defaultValue="5" />
        </label>
        <label class="choice wide">
          <input type="checkbox" name="noise" checked={noise} onChange={() => setNoise(!noise)} /> {w('addNoise')}
        </label>
        {noise && (
          <>
            <label>
              {w('epsilon')}
              <input type="number" name="epsilon" required min={0.01} max={10} step={0.01} defaultValue="1" />
            </label>
            <label>
              {w('mechanism')}
              <select name="mechanism">
                <option value="geometric">{w('geometric')}</option>
                <option value="laplace">{w('laplace')}</option>
              </select>
            </label>
          </>
        )}
        <p class="wide">
          <button type="submit" disabled={busy}>
            {busy ? w('publishing') : w('submit')}
          </button>
        </p>
      </form>
      {error && (
        <p class="error" role="alert" data-testid="open-data-error">
          {error}
        </p>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}

      <h2>{w('releases')}</h2>
      {releases?.length === 0 && <p>{w('noReleases')}</p>}
      {!!releases?.length && (
        <div class="table-scroll">
          <table data-testid="releases">
            <thead>
              <tr>
                <th scope="col">{w('releaseTitle')}</th>
                <th scope="col">{w('period')}</th>
                <th scope="col">{w('areaLevel')}</th>
                <th scope="col" class="number">
                  {w('suppressed')}
                </th>
                <th scope="col">{w('privacy')}</th>
                <th scope="col">{w('publishedAt')}</th>
                <th scope="col">{w('downloads')}</th>
              </tr>
            </thead>
            <tbody>
              {releases.map((release) => (
                <tr key={release.id} data-release={release.id}>
                  <td>{release.title}</td>
                  <td class="nowrap">
                    {release.from} – {release.to}
                  </td>
                  <td>
                    {AREA_LEVELS.includes(release.areaLevel as never)
                      ? w(release.areaLevel as 'grid')
                      : release.areaLevel}
                  </td>
                  <td class="number">{number(release.suppressedCells, 0)}</td>
                  <td>
                    {release.epsilon === null
                      ? w('suppressionOnly')
                      : w('noise', { mechanism: mechanismName(release.mechanism ?? ''), epsilon: release.epsilon })}
                  </td>
                  <td class="nowrap">{date(release.publishedAt)}</td>
                  <td>
                    <Downloads release={release} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{w('budgets')}</h2>
      {budgets?.map((budget) => (
        <div class="budget" key={budget.dataset} data-testid="budget" data-dataset={budget.dataset}>
          <h3>
            {w('dataset')}: <code>{budget.dataset}</code>
          </h3>
          <dl class="facts">
            <dt>{w('total')}</dt>
            <dd>{number(budget.totalEpsilon, 2)}</dd>
            <dt>{w('spent')}</dt>
            <dd>{number(budget.spentEpsilon, 2)}</dd>
            <dt>{w('remaining')}</dt>
            <dd data-testid="remaining">{number(budget.remainingEpsilon, 2)}</dd>
          </dl>
          <form class="budget-form" onSubmit={setTotal(budget.dataset)}>
            <label>
              {w('setTotal')}
              <input
                type="number"
                name="totalEpsilon"
                required
                min={0.01}
                max={100}
                step={0.01}
                defaultValue={String(budget.totalEpsilon)}
              />
            </label>
            <button type="submit">{w('save')}</button>
          </form>
          <h4>{w('ledger')}</h4>
          {budget.ledger.length === 0 ? (
            <p>{w('noLedger')}</p>
          ) : (
            <div class="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{w('spentAt')}</th>
                    <th scope="col" class="number">
                      ε
                    </th>
                    <th scope="col">{w('mechanism')}</th>
                    <th scope="col">{w('query')}</th>
                  </tr>
                </thead>
                <tbody>
                  {budget.ledger.map((entry) => (
                    <tr key={entry.id}>
                      <td class="nowrap">{date(entry.spentAt)}</td>
                      <td class="number">{number(entry.epsilon, 2)}</td>
                      <td>{mechanismName(entry.mechanism)}</td>
                      <td class="query">{entry.query}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      ))}
    </section>
  );
}
