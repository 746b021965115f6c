import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../../api.ts';
import type { Answer } from '../../api-shapes.ts';
import type { paths } from '../../generated/api-schema.ts';
import { useOpenDataWords } from '../open-data-words.ts';
import '../open-data.css';

type Release = Answer<'/public/open-data/releases'>['items'][number];
type CkanAnswer =
  paths['/api/3/action/current_package_list_with_resources']['get']['responses'][200]['content']['application/json'];
type Dataset = CkanAnswer['result'][number];

/** The download formats, as their names are written. */
const FORMATS = { csv: 'CSV', json: 'JSON', geojson: 'GeoJSON' } as const;
const LEVELS = ['district', 'street', 'grid'] as const;

/** The catalogue's public datasets, as every CKAN harvester reads them (not under /api/v1). */
async function publicDatasets(): Promise<Dataset[]> {
  const response = await fetch('/api/3/action/current_package_list_with_resources');
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
  return ((await response.json()) as CkanAnswer).result;
}

/** 开放数据: the published releases with their downloads, how they protect people, and the public datasets. */
export function OpenData() {
  const { w, date, language } = useOpenDataWords();
  const [releases, setReleases] = useState<Release[] | null>(null);
  const [datasets, setDatasets] = useState<Dataset[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<Answer<'/public/open-data/releases'>>('/public/open-data/releases')
      .then((answer) => setReleases(answer.items))
      .catch((e) => setError(errorText(e)));
    publicDatasets()
      .then(setDatasets)
      .catch((e) => setError(errorText(e)));
  }, []);

  return (
    <section class="open-data-portal">
      <h1>{w('title')}</h1>
      <p>{w('lead')}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="hero explain">
        <h2>{w('howTitle')}</h2>
        <p>{w('suppression')}</p>
        <p>{w('noise')}</p>
      </div>

      <h2>{w('releasesTitle')}</h2>
      {!releases && !error && <p>{w('loading')}</p>}
      {releases?.length === 0 && <p>{w('noReleases')}</p>}
      <ul class="case-list" data-testid="releases">
        {releases?.map((release) => (
          <li key={release.id} class="case-card" data-release={release.id}>
            <h3 class="case-card-title" id={`release-${release.id}`}>
              {release.title}
            </h3>
            <p class="case-card-meta">
              {w('period', { from: release.from, to: release.to })} ·{' '}
              {w('byArea', {
                level: LEVELS.includes(release.areaLevel as never) ? w(release.areaLevel as 'grid') : release.areaLevel,
              })}{' '}
              · {w('publishedAt', { date: date(release.publishedAt) })}
            </p>
            <p class="case-card-meta">
              {w('suppressed', { n: release.suppressedCells })} ·{' '}
              {release.epsilon === null ? (
                w('suppressionOnly')
              ) : (
                <span class="nowrap">{w('withNoise', { epsilon: release.epsilon })}</span>
              )}
            </p>
            <p class="downloads">
              {Object.entries(FORMATS).map(([format, name]) => (
                <a
                  key={format}
                  class="button secondary"
                  href={`/api/v1/public/open-data/releases/${release.id}/data.${format}`}
                  download
                  aria-describedby={`release-${release.id}`}
                >
                  {name}
                </a>
              ))}
            </p>
          </li>
        ))}
      </ul>

      <h2>{w('datasetsTitle')}</h2>
      <p class="hint">{w('datasetsLead')}</p>
      {datasets?.length === 0 && <p>{w('noDatasets')}</p>}
      <ul class="case-list" data-testid="datasets">
        {datasets?.map((dataset) => (
          <li key={dataset.id} class="case-card" data-dataset={dataset.name}>
            <h3 class="case-card-title">
              {(language === 'zh-CN' ? dataset.title_translated.zh : dataset.title_translated.en) || dataset.title}
            </h3>
            {dataset.notes && <p class="description">{dataset.notes}</p>}
            {(dataset.organization || dataset.license_title) && (
              <p class="case-card-meta">
                {[
                  dataset.organization && w('publisher', { name: dataset.organization.display_name }),
                  dataset.license_title && w('licence', { licence: dataset.license_title }),
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </p>
            )}
            {dataset.resources.length > 0 && (
              <ul class="resources" aria-label={w('resources')}>
                {dataset.resources.map((resource) => (
                  <li key={resource.id}>
                    <a href={resource.url}>{resource.name || resource.url}</a>{' '}
                    <span class="hint">{resource.format}</span>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
