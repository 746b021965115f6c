import { useI18n } from '../i18n.ts';
import { useReference } from '../reference-data.ts';

/**
 * A choice of handling body, the suggested one marked. Choosing another than the suggestion is an
 * override (改选): the dispatcher's evaluation counts it, so the form says so.
 */
export function BodySelect({
  value,
  onChange,
  suggestedBodyId,
  name: fieldName,
  testId,
  required,
  id,
}: {
  value: string;
  onChange(bodyId: string): void;
  suggestedBodyId?: string | null;
  name?: string;
  testId?: string;
  required?: boolean;
  id?: string;
}) {
  const { t, name, term } = useI18n();
  const { bodies } = useReference();
  const types = [...new Set(bodies.map((b) => b.type))];
  return (
    <select
      id={id}
      name={fieldName}
      data-testid={testId}
      value={value}
      required={required}
      onChange={(e) => onChange((e.target as HTMLSelectElement).value)}
    >
      <option value="">{t('choose')}</option>
      {types.map((type) => (
        <optgroup key={type} label={term(type)}>
          {bodies
            .filter((b) => b.type === type)
            .map((b) => (
              <option key={b.id} value={b.id}>
                {name(b)}
                {b.id === suggestedBodyId ? ` (${t('suggested')})` : ''}
              </option>
            ))}
        </optgroup>
      ))}
    </select>
  );
}

/** The warning under a body choice that differs from the suggestion. */
export function OverrideHint({ chosen, suggestedBodyId }: { chosen: string; suggestedBodyId: string | null }) {
  const { t } = useI18n();
  if (!chosen || !suggestedBodyId || chosen === suggestedBodyId) return null;
  return (
    <p class="override" data-testid="override-hint">
      {t('overrideHint')}
    </p>
  );
}
