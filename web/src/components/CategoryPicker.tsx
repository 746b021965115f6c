import { useI18n } from '../i18n.ts';
import { useReference } from '../reference-data.ts';

/** Three cascading selects over the category tree; `value` is the deepest chosen code. */
export function CategoryPicker({ value, onChange }: { value: string; onChange(code: string): void }) {
  const { t, name } = useI18n();
  const { categories } = useReference();
  const chosen = [value.slice(0, 2), value.slice(0, 4), value.slice(0, 6)].filter((c) => c.length > 0);
  const levels = [1, 2, 3] as const;
  return (
    <div class="category-picker">
      {levels.map((level) => {
        const parent = level === 1 ? null : chosen[level - 2];
        if (level > 1 && (!parent || parent.length !== (level - 1) * 2)) return null;
        const options = categories.filter((c) => c.level === level && (level === 1 || c.parentCode === parent));
        const label = t(level === 1 ? 'level1' : level === 2 ? 'level2' : 'level3');
        return (
          <select
            key={level}
            aria-label={label}
            data-testid={`category-level-${level}`}
            value={chosen[level - 1] ?? ''}
            onChange={(e) => onChange((e.target as HTMLSelectElement).value || (parent ?? ''))}
          >
            <option value="">
              {label}: {t('choose')}
            </option>
            {options.map((c) => (
              <option key={c.code} value={c.code}>
                {name(c)}
              </option>
            ))}
          </select>
        );
      })}
    </div>
  );
}
