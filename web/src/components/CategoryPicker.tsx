import { useContext } from 'preact/hooks';
import type { Category } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { Reference } from '../reference-data.ts';

/**
 * Three cascading selects over the category tree; `value` is the deepest chosen code. The tree is the
 * console's reference data unless given (the patrol app gives the one it keeps for offline use).
 */
export function CategoryPicker({
  value,
  onChange,
  categories: given,
  className = 'category-picker',
}: {
  value: string;
  onChange(code: string): void;
  categories?: Category[];
  className?: string;
}) {
  const { t, name } = useI18n();
  // Read directly: the patrol app has no reference data loaded, and gives its own tree.
  const reference = useContext(Reference);
  const categories = given ?? reference?.categories ?? [];
  const chosen = [value.slice(0, 2), value.slice(0, 4), value.slice(0, 6)].filter((c) => c.length > 0);
  const levels = [1, 2, 3] as const;
  return (
    <div class={className}>
      {levels.map((level) => {
        const parent = level === 1 ? null : chosen[level - 2];
        if (level > 1 && (!parent || parent.length !== (level - 1) * 2)) return null;
        const options = categories.filter((c) => c.level === level && (level === 1 || c.parentCode === parent));
        if (level > 1 && options.length === 0) return null;
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

/** Cases are filed under a leaf of the taxonomy (it carries the time limits and the routing). */
export function isLeaf(categories: Category[], code: string): boolean {
  return code !== '' && categories.some((c) => c.code === code) && !categories.some((c) => c.parentCode === code);
}
