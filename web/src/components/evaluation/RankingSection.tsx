import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Definition, download, errorText } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { DefinitionList, IndicatorHeader } from '../DefinitionList.tsx';
import { IndicatorCell } from './IndicatorCell.tsx';
import { type Evaluation, type EvaluationRow, INDICATOR_COLUMNS } from './types.ts';
import { WeightsPanel } from './WeightsPanel.tsx';

type ChartsComponent = ComponentType<{ rows: EvaluationRow[]; definitions: Record<string, Definition> }>;

/** The ranking of bodies or areas for a month: table, definitions, weights, charts and downloads. */
export function RankingSection({
  month,
  group,
  mayEditWeights,
}: {
  month: string;
  group: string;
  mayEditWeights: boolean;
}) {
  const { t, name, language } = useI18n();
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
            <table class="cases ranking" data-testid="ranking">
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
                {data.rows.map((row) => (
                  <tr key={row.key} data-key={row.key} data-testid="ranking-row">
                    <td class="num">{row.rank ?? '—'}</td>
                    <td>{name(row)}</td>
                    {INDICATOR_COLUMNS.map((c) => (
                      <IndicatorCell key={c.id} id={c.id} value={row[c.id] as number | null} format={c.format} />
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {data.rows.length === 0 && <p class="empty">{t('noEvaluation')}</p>}
          <DefinitionList definitions={data.definitions} keys={INDICATOR_COLUMNS.map((c) => c.id)} />
          {Charts ? <Charts rows={data.rows} definitions={data.definitions} /> : <p>{t('loading')}</p>}
        </>
      )}
    </section>
  );
}
