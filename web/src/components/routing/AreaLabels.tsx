import { useI18n } from '../../i18n.ts';
import { useReference } from '../../reference-data.ts';

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
