import type { Category } from '../../api.ts';
import { useWords } from '../messages.ts';

/** The category tree as three cascading selects (as the console's picker, over the categories kept offline). */
export function CategorySelect({
  categories,
  value,
  onChange,
}: {
  categories: Category[];
  value: string;
  onChange(code: string): void;
}) {
  const { w, name } = useWords();
  const chosen = [value.slice(0, 2), value.slice(0, 4), value.slice(0, 6)].filter((c) => c.length > 0);
  return (
    <div class="p-category">
      {([1, 2, 3] as const).map((level) => {
        const parent = level === 1 ? null : chosen[level - 2];
        if (level > 1 && (!parent || parent.length !== (level - 1) * 2)) return null;
        const options = categories.filter((c) => c.level === level && (level === 1 || c.parentCode === parent));
        if (level > 1 && options.length === 0) return null;
        const label = w(level === 1 ? 'level1' : level === 2 ? 'level2' : 'level3');
        return (
          <select
            key={level}
            aria-label={label}
            data-testid={`category-level-${level}`}
            value={chosen[level - 1] ?? ''}
            onChange={(e) => onChange((e.target as HTMLSelectElement).value || (parent ?? ''))}
          >
            <option value="">
              {label}: {w('choose')}
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
