import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Definition, download, errorText } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { DefinitionList, IndicatorHeader } from '../DefinitionList.tsx';
import { IndicatorCell } from './IndicatorCell.tsx';
import { useEvaluationText } from './messages.ts';
import { type Evaluation, type EvaluationRow, INDICATOR_COLUMNS } from './types.ts';
import { WeightsPanel } from './WeightsPanel.tsx';

type ChartsComponent = ComponentType<{ rows: EvaluationRow[]; definitions: Record<string, Definition> }>;

/** The ranking of bodies or areas for a month: table, definitions, weights, charts and downloads. */
export function RankingSection({
  month,
  group,
  mayEditWeights,
  ownRowOnly,
}: {
  month: string;
  group: string;
  mayEditWeights: boolean;
  /** A handler: the table holds their body's row, ranked among all bodies. */
  ownRowOnly: boolean;
}) {
  const { t, name, language } = useI18n();
  const say = useEvaluationText();
  const [data, setData] = useState<Evaluation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [Charts, setCharts] = useState<ChartsComponent | null>(null);
  const query = new URLSearchParams({ month, group }).toString();

  useEffect(() => {
    setData(null);
    api<Evaluation>(`/evaluation?${query}`)
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e) => setError(errorText(e)));
  }, [query, version]);

  // ECharts (and the charts module) load only when a ranking is shown.
  useEffect(() => {
    void import('./EvaluationCharts.tsx').then((module) => setCharts(() => module.EvaluationCharts));
  }, []);

  const exportAs = (format: 'csv' | 'xlsx') =>
    download(
      `/evaluation/export?${query}&format=${format}&lang=${language === 'zh-CN' ? 'zh' : 'en'}`,
      `evaluation-${group}-${month}.${format}`,
    ).catch((e) => setError(errorText(e)));

  return (
    <section data-testid="ranking-section">
      <div class="toolbar">
        {data && (
          <WeightsPanel
            key={JSON.stringify(data.weights)}
            weights={data.weights}
            defaults={data.defaultWeights}
            editable={mayEditWeights}
            onSaved={() => setVersion((v) => v + 1)}
          />
        )}
        <span class="spacer" />
        <button type="button" class="secondary small" data-testid="export-csv" onClick={() => exportAs('csv')}>
          {t('downloadCsv')}
        </button>
        <button type="button" class="secondary small" data-testid="export-xlsx" onClick={() => exportAs('xlsx')}>
          {t('downloadXlsx')}
        </button>
      </div>
      {error && <p class="error">{error}</p>}
      {!data && !error && <p>{t('loading')}</p>}
      {data && (
        <>
          <div class="table-scroll">
            <table class="cases ranking list-on-phone" data-testid="ranking">
              <thead>
                <tr>
                  <th>{t('rank')}</th>
                  <th>{t(group === 'body' ? 'body' : 'area')}</th>
                  {INDICATOR_COLUMNS.map((c) => (
                    <IndicatorHeader key={c.id} id={c.id} definitions={data.definitions} />
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.rows.map((row) => {
                  const why =
                    row.unranked === 'too_few_dispatches'
                      ? say('tooFewDispatches', { n: data.ranking.minDispatches })
                      : row.unranked === 'no_score'
                        ? say('noScore')
                        : undefined;
                  return (
                    <tr key={row.key} data-key={row.key} data-code={row.code} data-testid="ranking-row">
                      <td class="num rank" data-label={t('rank')} data-testid="rank" title={why}>
                        {row.rank ?? <span class="unranked">—</span>}
                      </td>
                      <td class="name" data-label={t(group === 'body' ? 'body' : 'area')}>
                        <span>
                          {name(row)}
                          {why && <span class="unranked-why">{why}</span>}
                        </span>
                      </td>
                      {INDICATOR_COLUMNS.map((c) => (
                        <IndicatorCell
                          key={c.id}
                          id={c.id}
                          value={row[c.id] as number | null}
                          format={c.format}
                          label={data.definitions[c.id] ? name(data.definitions[c.id]!) : c.id}
                        />
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <ul class="ranking-rules hint" data-testid="ranking-rules">
            {ownRowOnly && <li>{say('handlerRank')}</li>}
            <li>{say('rankedFrom', { n: data.ranking.minDispatches })}</li>
            <li>{language === 'zh-CN' ? data.ranking.tieRuleZh : data.ranking.tieRuleEn}</li>
          </ul>
          {data.rows.length === 0 && <p class="empty">{t('noEvaluation')}</p>}
          <DefinitionList definitions={data.definitions} keys={INDICATOR_COLUMNS.map((c) => c.id)} />
          {Charts ? <Charts rows={data.rows} definitions={data.definitions} /> : <p>{t('loading')}</p>}
        </>
      )}
    </section>
  );
}
