import { useI18n } from '../../i18n.ts';
import { useReference } from '../../reference-data.ts';

/** An area code typed or picked from the named areas (districts…); any grid code prefix is accepted. */
export function AreaInput({
  name: fieldName,
  value,
  testId,
  id,
}: {
  name: string;
  value?: string | null;
  testId?: string;
  id?: string;
}) {
  const { t, name } = useI18n();
  const { areas } = useReference();
  const listId = `${fieldName}-areas`;
  return (
    <>
      <input
        id={id}
        name={fieldName}
        list={listId}
        pattern="[0-9]{1,15}"
        maxLength={15}
        placeholder={t('anyArea')}
        defaultValue={value ?? ''}
        data-testid={testId}
      />
      <datalist id={listId}>
        {areas.map((a) => (
          <option key={a.code} value={a.code}>
            {name(a)}
          </option>
        ))}
      </datalist>
    </>
  );
}

/** An area code with the name of the area it lies in. */
export function AreaLabel({ code }: { code: string | null }) {
  const { t, name } = useI18n();
  const { areaFor } = useReference();
  if (!code) return <span class="hint">{t('anyArea')}</span>;
  const area = areaFor(code);
  return (
    <>
      {area ? name(area) : ''} <span class="case-number">{code}</span>
    </>
  );
}

/** A category code with its name; empty is "any category". */
export function CategoryLabel({ code }: { code: string | null }) {
  const { t, name } = useI18n();
  const { categoryByCode } = useReference();
  if (!code) return <span class="hint">{t('anyCategory')}</span>;
  const category = categoryByCode.get(code);
  return (
    <>
      {category ? name(category) : ''} <span class="case-number">{code}</span>
    </>
  );
}
