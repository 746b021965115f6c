import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../../api.ts';
import type { Answer } from '../../api-shapes.ts';
import { useI18n } from '../../i18n.ts';
import { DefinitionList, IndicatorHeader } from '../DefinitionList.tsx';
import { IndicatorCell } from './IndicatorCell.tsx';

type PeopleEvaluation = Answer<'/evaluation/dispatchers'> | Answer<'/evaluation/grid-workers'>;
type Column<Row> = { id: keyof Row & string; format: 'count' | 'rate' };

/** The columns of each people table: counts and rates, as the API names them. */
const TABLES = {
  dispatchers: {
    path: '/evaluation/dispatchers',
    columns: [
      { id: 'dispatches', format: 'count' },
      { id: 'accurateRate', format: 'rate' },
      { id: 'overrides', format: 'count' },
    ] satisfies Column<Answer<'/evaluation/dispatchers'>['rows'][number]>[],
  },
  gridWorkers: {
    path: '/evaluation/grid-workers',
    columns: [
      { id: 'reports', format: 'count' },
      { id: 'validReportRate', format: 'rate' },
      { id: 'verifications', format: 'count' },
      { id: 'onTimeVerificationRate', format: 'rate' },
    ] satisfies Column<Answer<'/evaluation/grid-workers'>['rows'][number]>[],
  },
} as const;

/** Dispatchers' or grid workers' figures for a month, with their definitions. */
export function PeopleSection({ kind, month }: { kind: keyof typeof TABLES; month: string }) {
  const { t } = useI18n();
  const table = TABLES[kind];
  const [data, setData] = useState<PeopleEvaluation | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setData(null);
    api<PeopleEvaluation>(`${table.path}?month=${month}`)
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e) => setError(errorText(e)));
  }, [kind, month]);

  if (error) return <p class="error">{error}</p>;
  if (!data) return <p>{t('loading')}</p>;
  return (
    <section data-testid={`${kind}-section`}>
      <table class="cases ranking" data-testid={`${kind}-table`}>
        <thead>
          <tr>
            <th>{t('person')}</th>
            {table.columns.map((c) => (
              <IndicatorHeader key={c.id} id={c.id} definitions={data.definitions} />
            ))}
          </tr>
        </thead>
        <tbody>
          {data.rows.map((row) => (
            <tr key={row.userId} data-user={row.userId}>
              <td>{row.name}</td>
              {table.columns.map((c) => (
                <IndicatorCell
                  key={c.id}
                  id={c.id}
                  value={(row as Record<string, number | string | null>)[c.id] as number | null}
                  format={c.format}
                />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {data.rows.length === 0 && <p class="empty">{t('noEvaluation')}</p>}
      <DefinitionList definitions={data.definitions} keys={table.columns.map((c) => c.id)} />
    </section>
  );
}
