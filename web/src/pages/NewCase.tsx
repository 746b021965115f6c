import { useState } from 'preact/hooks';
import { ApiError, api, type CaseDetail, type IntakeSuggestion, type Me } from '../api.ts';
import { CallerFields } from '../components/CallerHistory.tsx';
import { CategoryPicker } from '../components/CategoryPicker.tsx';
import { LocationPicker } from '../components/LocationPicker.tsx';
import { useI18n } from '../i18n.ts';
import { useReference } from '../reference-data.ts';
import { navigate } from '../router.ts';

const CHANNELS_BY_ROLE: Record<string, string[]> = {
  citizen: ['web'],
  dispatcher: ['hotline', 'import', 'web'],
  grid_worker: ['grid_patrol'],
};

export function NewCase({ me }: { me: Me }) {
  const { t, term } = useI18n();
  const [category, setCategory] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [suggestion, setSuggestion] = useState<IntakeSuggestion | null>(null);
  const [priority, setPriority] = useState('');
  const channels = CHANNELS_BY_ROLE[me.role] ?? [];
  const { categories } = useReference();
  // Cases are filed under a leaf of the taxonomy: it carries the time limits and the routing.
  const isLeaf = (code: string) => code !== '' && !categories.some((c) => c.parentCode === code);

  // Reads the title and description the reporter has typed: the top categories (the first is chosen if
  // none is yet) and any danger, which raises the suggested priority.
  const readText = async (form: HTMLFormElement) => {
    const data = new FormData(form);
    const title = String(data.get('title') ?? '').trim();
    if (!title) return;
    try {
      const answer = await api<IntakeSuggestion>('/text/intake-suggestions', {
        method: 'POST',
        body: { title, description: String(data.get('description') ?? '').trim() },
      });
      setSuggestion(answer);
      setError(null);
      // Only a leaf can be filed under: a coarser suggestion is shown but not chosen for the reporter.
      const top = answer.categories[0]?.code;
      if (!category && top && isLeaf(top)) setCategory(top);
      if (answer.urgency.priority !== 'normal') setPriority(answer.urgency.priority);
    } catch (e) {
      setError(e instanceof ApiError ? `${e.message} (${e.code})` : (e as Error).message);
    }
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const text = (key: string) => String(form.get(key) ?? '').trim();
    const longitude = text('longitude');
    const latitude = text('latitude');
    const body = {
      title: text('title'),
      description: text('description'),
      categoryCode: category,
      channel: text('channel') || undefined,
      priority: text('priority') || undefined,
      address: text('address') || undefined,
      intakeSuggestionId: suggestion?.id,
      location: longitude && latitude ? { longitude: Number(longitude), latitude: Number(latitude) } : undefined,
      reporter:
        text('reporterName') || text('reporterPhone')
          ? { name: text('reporterName') || undefined, phone: text('reporterPhone') || undefined }
          : undefined,
    };
    setBusy(true);
    try {
      const created = await api<CaseDetail>('/cases', { method: 'POST', body });
      navigate(`/cases/${created.caseNumber}`);
    } catch (e) {
      setError(e instanceof ApiError ? `${e.message} (${e.code})` : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (channels.length === 0) return <p class="hint">{term(me.role)}: —</p>;
  return (
    <section>
      <h1>{t('newCase')}</h1>
      <form class="new-case" onSubmit={onSubmit} data-testid="new-case-form">
        {/* On the hotline the caller comes first: their number shows their earlier cases. */}
        {me.role === 'dispatcher' && <CallerFields />}
        <label>
          {t('title')} *
          <input name="title" required maxLength={200} data-testid="new-title" />
        </label>
        <label>
          {t('description')}
          <textarea name="description" rows={5} maxLength={10000} data-testid="new-description" />
        </label>
        <button
          type="button"
          class="secondary"
          data-testid="read-text"
          onClick={(e) => readText((e.currentTarget as HTMLButtonElement).form as HTMLFormElement)}
        >
          {t('readText')}
        </button>
        {suggestion && <SuggestionPanel suggestion={suggestion} chosen={category} onChoose={setCategory} />}
        <fieldset>
          <legend>{t('category')} *</legend>
          <CategoryPicker value={category} onChange={setCategory} />
        </fieldset>
        <div class="row">
          <label>
            {t('channel')}
            <select name="channel" data-testid="new-channel">
              {channels.map((c) => (
                <option key={c} value={c}>
                  {term(c)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('priority')}
            <select
              name="priority"
              value={priority}
              onChange={(e) => setPriority((e.target as HTMLSelectElement).value)}
              data-testid="new-priority"
            >
              <option value="">{t('priorityAuto')}</option>
              {['normal', 'low', 'high', 'urgent'].map((p) => (
                <option key={p} value={p}>
                  {term(p)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label>
          {t('address')}
          <input name="address" maxLength={500} data-testid="new-address" />
        </label>
        <LocationPicker testId="new" reach={me.jurisdiction} />
        {error && <p class="error">{error}</p>}
        <button type="submit" disabled={busy || !isLeaf(category)} data-testid="new-submit">
          {t('submit')}
        </button>
      </form>
    </section>
  );
}

/** The classifier's top categories as buttons (with their probability) and the danger found, with its words. */
function SuggestionPanel({
  suggestion,
  chosen,
  onChoose,
}: {
  suggestion: IntakeSuggestion;
  chosen: string;
  onChoose(code: string): void;
}) {
  const { t, name, term } = useI18n();
  return (
    <div class="suggestions" data-testid="suggestions">
      {suggestion.categories.length === 0 ? (
        <p class="hint">{t('noModelYet')}</p>
      ) : (
        <p>
          {t('suggestedCategories')}:{' '}
          {suggestion.categories.map((c) => (
            <button
              type="button"
              key={c.code}
              class={c.code === chosen ? 'chip chosen' : 'chip'}
              data-testid="suggested-category"
              onClick={() => onChoose(c.code)}
            >
              {name(c)} {Math.round(c.probability * 100)}%
            </button>
          ))}
        </p>
      )}
      {suggestion.urgency.flags.length > 0 && (
        <p class="danger" data-testid="danger-found">
          {t('dangerFound')} {term(suggestion.urgency.priority)} —{' '}
          {suggestion.urgency.flags.map((f) => (
            <mark key={`${f.start}`}>
              {term(f.danger)}: “{f.evidence}”
            </mark>
          ))}
        </p>
      )}
    </div>
  );
}
