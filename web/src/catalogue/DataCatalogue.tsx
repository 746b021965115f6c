import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type Me } from '../api.ts';
import type { Answer, Item } from '../api-shapes.ts';
import { useI18n } from '../i18n.ts';
import { linkTo } from '../router.ts';
import { type CatalogueTextKey, frequencyWords, useCatalogueText } from './catalogue-text.ts';
import './catalogue.css';

type Dataset = Item<Answer<'/catalogue/datasets'>>;
type Detail = Answer<'/catalogue/datasets/{slug}'>;

/** Who may publish a dataset in the open catalogue (policy: catalogue.publish). */
const PUBLISHERS = ['data_steward', 'admin'];

function useFlags() {
  const text = useCatalogueText();
  return (d: { level: string; personal: string }) =>
    `${text(d.level as CatalogueTextKey)} · ${text(d.personal === 'none' ? 'personalNone' : (d.personal as CatalogueTextKey))}`;
}

/** 数据目录: every dataset the city holds, with its kind, owner, flags, size, last change and whether public. */
export function DataCatalogue() {
  const text = useCatalogueText();
  const { date, name, number } = useI18n();
  const flags = useFlags();
  const [datasets, setDatasets] = useState<Dataset[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ items: Dataset[] }>('/catalogue/datasets')
      .then((answer) => setDatasets(answer.items))
      .catch((e) => setError(errorText(e)));
  }, []);

  return (
    <section class="catalogue" data-testid="data-catalogue">
      <h1>{text('title')}</h1>
      <p class="hint">{text('intro')}</p>
      {error && <p class="error">{error}</p>}
      {!datasets && !error && <p>{text('loading')}</p>}
      {datasets?.length === 0 && <p class="empty">{text('none')}</p>}
      {datasets && datasets.length > 0 && (
        <table class="cases" data-testid="datasets">
          <thead>
            <tr>
              <th>{text('dataset')}</th>
              <th>{text('kind')}</th>
              <th>{text('owner')}</th>
              <th>{text('classification')}</th>
              <th class="number">{text('rows')}</th>
              <th>{text('modified')}</th>
              <th>{text('public')}</th>
            </tr>
          </thead>
          <tbody>
            {datasets.map((d) => (
              <tr key={d.id} data-dataset={d.slug}>
                <td class="title-cell">
                  <a {...linkTo(`/catalogue/${d.slug}`)}>{name({ nameZh: d.titleZh, nameEn: d.titleEn })}</a>
                  <div class="slug">{d.slug}</div>
                </td>
                <td data-label={text('kind')}>{text(d.kind as CatalogueTextKey)}</td>
                <td data-label={text('owner')}>{d.owner ? name(d.owner) : '—'}</td>
                <td data-label={text('classification')}>
                  <span class={`flag level-${d.level} personal-${d.personal}`}>{flags(d)}</span>
                </td>
                <td data-label={text('rows')} class="number">
                  {number(d.rowCount, 0)}
                </td>
                <td data-label={text('modified')} class="nowrap">
                  {date(d.modifiedAt)}
                </td>
                <td data-label={text('public')}>
                  <span class={d.isPublic ? 'badge public' : 'badge'}>{text(d.isPublic ? 'yes' : 'no')}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One dataset: what it is, its columns, its lineage (versions and the imports that made them), its quality. */
export function DatasetPage({ slug, me }: { slug: string; me: Me }) {
  const text = useCatalogueText();
  const { date, name, number, percent } = useI18n();
  const flags = useFlags();
  const [dataset, setDataset] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api<Detail>(`/catalogue/datasets/${encodeURIComponent(slug)}`)
      .then(setDataset)
      .catch((e) => setError(errorText(e)));
  }, [slug]);

  const setPublic = (isPublic: boolean) => {
    setBusy(true);
    setError(null);
    api<Detail>(`/catalogue/datasets/${encodeURIComponent(slug)}/public`, { method: 'PUT', body: { public: isPublic } })
      .then(setDataset)
      .catch((e) => setError(errorText(e)))
      .finally(() => setBusy(false));
  };

  const title = dataset ? name({ nameZh: dataset.titleZh, nameEn: dataset.titleEn }) : slug;
  const publishable = dataset?.level === 'general' && dataset.personal === 'none';
  return (
    <section class="catalogue" data-testid="dataset-page">
      <a {...linkTo('/catalogue')}>{text('back')}</a>
      <h1>{title}</h1>
      {error && <p class="error">{error}</p>}
      {!dataset && !error && <p>{text('loading')}</p>}
      {dataset && (
        <>
          <dl class="facts">
            <dt>{text('kind')}</dt>
            <dd>{text(dataset.kind as CatalogueTextKey)}</dd>
            <dt>{text('owner')}</dt>
            <dd>{dataset.owner ? name(dataset.owner) : '—'}</dd>
            <dt>{text('classification')}</dt>
            <dd>
              <span class={`flag level-${dataset.level} personal-${dataset.personal}`}>{flags(dataset)}</span>
            </dd>
            <dt>{text('description')}</dt>
            <dd>{dataset.description || '—'}</dd>
            <dt>{text('frequency')}</dt>
            <dd>{frequencyWords(text, dataset.updateFrequency)}</dd>
            <dt>{text('licence')}</dt>
            <dd>{dataset.licence || '—'}</dd>
            <dt>{text('coverage')}</dt>
            <dd>{dataset.spatialCoverage || '—'}</dd>
            <dt>{text('period')}</dt>
            <dd>
              {dataset.temporalStart ? date(dataset.temporalStart) : '—'} –{' '}
              {dataset.temporalEnd ? date(dataset.temporalEnd) : '—'}
            </dd>
            <dt>{text('rows')}</dt>
            <dd>{number(dataset.rowCount, 0)}</dd>
            <dt>{text('modified')}</dt>
            <dd>{date(dataset.modifiedAt)}</dd>
            <dt>{text('public')}</dt>
            <dd data-testid="public-state">
              <span class={dataset.isPublic ? 'badge public' : 'badge'}>{text(dataset.isPublic ? 'yes' : 'no')}</span>{' '}
              {PUBLISHERS.includes(me.role) &&
                (dataset.isPublic || publishable ? (
                  <button
                    type="button"
                    data-testid="toggle-public"
                    disabled={busy}
                    onClick={() => setPublic(!dataset.isPublic)}
                  >
                    {text(dataset.isPublic ? 'makePrivate' : 'makePublic')}
                  </button>
                ) : (
                  <span class="hint">{text('notPublishable')}</span>
                ))}
            </dd>
          </dl>

          <h2>{text('schema')}</h2>
          <table class="cases" data-testid="schema">
            <thead>
              <tr>
                <th>{text('column')}</th>
                <th>{text('type')}</th>
                <th>{text('unit')}</th>
                <th>{text('classification')}</th>
                <th>{text('description')}</th>
              </tr>
            </thead>
            <tbody>
              {dataset.columns.map((c) => (
                <tr key={c.name}>
                  <td class="title-cell">
                    <code>{c.name}</code>
                    {c.source && c.source !== c.name && <div class="slug">{c.source}</div>}
                  </td>
                  <td data-label={text('type')}>{c.type}</td>
                  <td data-label={text('unit')}>{c.unit ?? ''}</td>
                  <td data-label={text('classification')}>
                    {c.level || c.personal ? (
                      <span class={`flag level-${c.level ?? 'general'} personal-${c.personal ?? 'none'}`}>
                        {flags({ level: c.level ?? dataset.level, personal: c.personal ?? 'none' })}
                      </span>
                    ) : (
                      ''
                    )}
                  </td>
                  <td data-label={text('description')}>{c.description ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <h2>{text('quality')}</h2>
          {dataset.quality ? (
            <>
              <p class="hint">
                {text('measuredAt', { at: date(dataset.quality.measuredAt), rows: dataset.quality.rows })}
              </p>
              <table class="cases" data-testid="quality">
                <thead>
                  <tr>
                    <th>{text('column')}</th>
                    <th class="number">{text('completeness')}</th>
                    <th class="number">{text('validity')}</th>
                    <th class="number">{text('uniqueness')}</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(dataset.quality.columns).map(([column, q]) => (
                    <tr key={column}>
                      <td class="title-cell">
                        <code>{column}</code>
                      </td>
                      <td class="number">{percent(q.completeness)}</td>
                      <td class="number">{percent(q.validity)}</td>
                      <td class="number">{percent(q.uniqueness)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : (
            <p class="empty">{text('noQuality')}</p>
          )}

          <h2>{text('lineage')}</h2>
          <p>{text('rejectedRows', { n: dataset.rejectedRows })}</p>
          <h3>{text('versions')}</h3>
          {dataset.versions.length === 0 ? (
            <p class="empty">{text('noVersions')}</p>
          ) : (
            <table class="cases" data-testid="versions">
              <thead>
                <tr>
                  <th>{text('version')}</th>
                  <th>{text('madeBy')}</th>
                  <th class="number">{text('rows')}</th>
                  <th class="number">{text('changed')}</th>
                  <th>{text('modified')}</th>
                </tr>
              </thead>
              <tbody>
                {dataset.versions.map((v) => (
                  <tr key={v.version}>
                    <td>v{v.version}</td>
                    <td>{v.madeBy}</td>
                    <td class="number">{number(v.rowCount, 0)}</td>
                    <td class="number">{number(v.rowsChanged, 0)}</td>
                    <td class="nowrap">{date(v.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>{text('imports')}</h3>
          {dataset.imports.length === 0 ? (
            <p class="empty">{text('noImports')}</p>
          ) : (
            <table class="cases" data-testid="imports">
              <thead>
                <tr>
                  <th>{text('file')}</th>
                  <th>{text('status')}</th>
                  <th class="number">{text('read')}</th>
                  <th class="number">{text('imported')}</th>
                  <th class="number">{text('unchanged')}</th>
                  <th class="number">{text('rejected')}</th>
                  <th class="number">{text('unplaced')}</th>
                  <th>{text('started')}</th>
                </tr>
              </thead>
              <tbody>
                {dataset.imports.map((i) => (
                  <tr key={i.id}>
                    <td class="title-cell">
                      {i.fileName}
                      <div class="slug">
                        {i.format}
                        {i.encoding ? ` · ${i.encoding}` : ''}
                      </div>
                    </td>
                    <td>{i.status}</td>
                    <td class="number">{number(i.rowsRead, 0)}</td>
                    <td class="number">{number(i.rowsImported, 0)}</td>
                    <td class="number">{number(i.rowsUnchanged, 0)}</td>
                    <td class="number">{number(i.rowsRejected, 0)}</td>
                    <td class="number">{number(i.rowsUnplaced, 0)}</td>
                    <td class="nowrap">{date(i.startedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
