import { useEffect, useState } from 'preact/hooks';
import { api, type Category, errorText } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { referenceChanged } from '../../reference-data.ts';
import { BodySelect } from '../BodySelect.tsx';
import { CategoryPicker } from '../CategoryPicker.tsx';

/**
 * A category's names, default body, time limits and photo rules. Limits set here apply to cases
 * dispatched from now on; a deadline already running keeps its limit.
 */
export function CategoriesAdmin() {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [category, setCategory] = useState<Category | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    setSaved(false);
    if (!code) return setCategory(null);
    void api<Category>(`/categories/${code}`).then(setCategory);
  }, [code]);
  return (
    <section data-testid="categories-admin">
      <p class="hint">{t('categoriesHint')}</p>
      <CategoryPicker value={code} onChange={setCode} />
      {saved && <p class="notice">{t('saved')}</p>}
      {/* Only the category chosen last: a choice made while an earlier one loads must not edit that one. */}
      {category?.code === code && (
        <CategoryForm
          key={category.code}
          category={category}
          onSaved={(changed) => {
            setCategory(changed);
            setSaved(true);
            referenceChanged();
          }}
        />
      )}
    </section>
  );
}

function CategoryForm({ category, onSaved }: { category: Category; onSaved(changed: Category): void }) {
  const { t } = useI18n();
  const [defaultBody, setDefaultBody] = useState(category.defaultBodyId ?? '');
  const [error, setError] = useState<string | null>(null);
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const text = (key: string) => String(form.get(key) ?? '').trim();
    const limit = (key: string) => (text(key) ? Number(text(key)) : null);
    try {
      await api<Category>(`/categories/${category.code}`, {
        method: 'PATCH',
        body: {
          nameZh: text('nameZh'),
          nameEn: text('nameEn'),
          defaultBodyId: defaultBody || null,
          responseLimitHours: limit('responseLimitHours'),
          handlingLimitDays: limit('handlingLimitDays'),
        },
      });
      const changed = await api<Category>(`/categories/${category.code}/evidence-rules`, {
        method: 'PUT',
        body: {
          afterPhotoRequired: form.get('afterPhotoRequired') === 'on',
          verificationPhotoRequired: form.get('verificationPhotoRequired') === 'on',
        },
      });
      setError(null);
      onSaved(changed);
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <form class="action-form" data-testid="category-form" data-code={category.code} onSubmit={onSubmit}>
      <h2>
        <span class="case-number">{category.code}</span> {category.nameZh}
      </h2>
      <div class="row">
        <label>
          {t('nameZh')}
          <input name="nameZh" required maxLength={100} defaultValue={category.nameZh} />
        </label>
        <label>
          {t('nameEn')}
          <input name="nameEn" required maxLength={100} defaultValue={category.nameEn} />
        </label>
      </div>
      <div class="row">
        <label>
          {t('responseLimitHours')}
          <input
            name="responseLimitHours"
            type="number"
            min={1}
            max={720}
            defaultValue={category.responseLimitHours ?? ''}
            data-testid="response-limit"
          />
        </label>
        <label>
          {t('handlingLimitDays')}
          <input
            name="handlingLimitDays"
            type="number"
            min={1}
            max={365}
            defaultValue={category.handlingLimitDays ?? ''}
            data-testid="handling-limit"
          />
        </label>
        <label for="default-body">
          {t('defaultBody')}
          <BodySelect id="default-body" value={defaultBody} onChange={setDefaultBody} testId="default-body" />
        </label>
      </div>
      <p class="hint">{t('limitsHint')}</p>
      <label class="inline">
        <input type="checkbox" name="afterPhotoRequired" defaultChecked={category.afterPhotoRequired} />
        {t('afterPhotoRequired')}
      </label>
      <label class="inline">
        <input type="checkbox" name="verificationPhotoRequired" defaultChecked={category.verificationPhotoRequired} />
        {t('verificationPhotoRequired')}
      </label>
      {error && <p class="error">{error}</p>}
      <div>
        <button type="submit" data-testid="category-save">
          {t('save')}
        </button>
      </div>
    </form>
  );
}
