import { useState } from 'preact/hooks';
import { api, errorText } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useReference } from '../../reference-data.ts';
import { AreaMapPicker } from '../AreaMapPicker.tsx';
import { BodySelect } from '../BodySelect.tsx';
import { CategoryPicker } from '../CategoryPicker.tsx';
import type { RoutingRule } from './types.ts';

/** Adds a routing rule, or changes one. Empty fields match anything; the most specific rule wins. */
export function RuleForm({
  rule,
  onSaved,
  onCancel,
}: {
  rule: RoutingRule | null;
  onSaved(): void | Promise<void>;
  onCancel(): void;
}) {
  const { t, name } = useI18n();
  const { bodies } = useReference();
  const [category, setCategory] = useState(rule?.categoryCode ?? '');
  const [lead, setLead] = useState(rule?.leadBodyId ?? '');
  const [area, setArea] = useState<string[]>(rule?.areaCode ? [rule.areaCode] : []);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const text = (key: string) => String(form.get(key) ?? '').trim();
    const start = text('start');
    const end = text('end');
    if (Boolean(start) !== Boolean(end)) {
      setError(t('windowNeedsBoth'));
      return;
    }
    const body = {
      categoryCode: category || null,
      areaCode: area[0] ?? null,
      window: start && end ? { start, end } : null,
      leadBodyId: lead,
      assistingBodyIds: form.getAll('assistingBodyIds').map(String),
      note: text('note') || null,
    };
    setBusy(true);
    try {
      await api(rule ? `/routing-rules/${rule.id}` : '/routing-rules', { method: rule ? 'PUT' : 'POST', body });
      setError(null);
      await onSaved();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="action-form rule-form" data-testid="rule-form" onSubmit={onSubmit}>
      <h2>{rule ? t('editRule') : t('addRule')}</h2>
      <fieldset>
        <legend>{t('category')}</legend>
        <CategoryPicker value={category} onChange={setCategory} />
        <span class="hint">{t('categoryRuleHint')}</span>
      </fieldset>
      <fieldset>
        <legend>{t('areaCode')}</legend>
        <AreaMapPicker value={area} onChange={setArea} testId="rule-area" />
      </fieldset>
      <div class="row">
        <label>
          {t('windowStart')}
          <input type="time" name="start" defaultValue={rule?.window?.start ?? ''} data-testid="rule-start" />
        </label>
        <label>
          {t('windowEnd')}
          <input type="time" name="end" defaultValue={rule?.window?.end ?? ''} data-testid="rule-end" />
        </label>
      </div>
      <label for="rule-lead">
        {t('leadBody')} *
        <BodySelect id="rule-lead" value={lead} onChange={setLead} testId="rule-lead" required />
      </label>
      <label>
        {t('assistingBodies')}
        <select name="assistingBodyIds" multiple size={6} data-testid="rule-assisting">
          {bodies
            .filter((b) => b.id !== lead)
            .map((b) => (
              <option key={b.id} value={b.id} selected={rule?.assistingBodyIds.includes(b.id)}>
                {name(b)}
              </option>
            ))}
        </select>
        <span class="hint">{t('multiSelectHint')}</span>
      </label>
      <label>
        {t('note')}
        <input name="note" maxLength={500} defaultValue={rule?.note ?? ''} data-testid="rule-note" />
      </label>
      {error && <p class="error">{error}</p>}
      <div class="form-buttons">
        <button type="submit" disabled={busy || !lead} data-testid="rule-save">
          {t('save')}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
