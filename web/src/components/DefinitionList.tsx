import type { Definition } from '../api.ts';
import { useI18n } from '../i18n.ts';

/** The indicators' definitions, as the API gives them, in the order of the table's columns. */
export function DefinitionList({ definitions, keys }: { definitions: Record<string, Definition>; keys: string[] }) {
  const { t, name, definition } = useI18n();
  return (
    <section class="definitions" data-testid="definitions">
      <h3>{t('definitions')}</h3>
      <dl>
        {keys
          .filter((key) => definitions[key])
          .map((key) => (
            <div key={key} data-definition={key}>
              <dt>{name(definitions[key]!)}</dt>
              <dd>{definition(definitions[key]!)}</dd>
            </div>
          ))}
      </dl>
    </section>
  );
}

/** A column header that explains itself: the indicator's definition as its tooltip. */
export function IndicatorHeader({ definitions, id }: { definitions: Record<string, Definition>; id: string }) {
  const { name, definition } = useI18n();
  const d = definitions[id];
  return (
    <th title={d ? definition(d) : undefined} data-indicator={id} class="indicator">
      {d ? name(d) : id}
    </th>
  );
}
