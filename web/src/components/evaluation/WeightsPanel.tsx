import { useState } from 'preact/hooks';
import { api, errorText } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import type { Weights } from './types.ts';

const KEYS = ['response', 'solved', 'satisfied'] as const;

/** The composite score's weights; supervisors and administrators may change them. */
export function WeightsPanel({
  weights,
  editable,
  onSaved,
}: {
  weights: Weights;
  editable: boolean;
  onSaved(weights: Weights): void;
}) {
  const { t, number } = useI18n();
  const [draft, setDraft] = useState<Weights>(weights);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const label = (key: (typeof KEYS)[number]) =>
    t(key === 'response' ? 'weightResponse' : key === 'solved' ? 'weightSolved' : 'weightSatisfied');

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const saved = await api<Weights>('/evaluation/weights', { method: 'PUT', body: draft });
      setEditing(false);
      setError(null);
      onSaved(saved);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (!editing) {
    return (
      <div class="weights" data-testid="weights">
        <strong>{t('weights')}:</strong> {KEYS.map((key) => `${label(key)} ${number(weights[key], 2)}`).join(' : ')}
        {editable && (
          <button
            type="button"
            class="link"
            data-testid="edit-weights"
            onClick={() => {
              setDraft(weights);
              setEditing(true);
            }}
          >
            {t('edit')}
          </button>
        )}
      </div>
    );
  }
  return (
    <form class="weights editing" data-testid="weights-form" onSubmit={save}>
      <strong>{t('weights')}</strong>
      {KEYS.map((key) => (
        <label key={key}>
          {label(key)}
          <input
            type="number"
            min={0}
            max={100}
            step="any"
            required
            value={draft[key]}
            data-testid={`weight-${key}`}
            onInput={(e) => setDraft({ ...draft, [key]: Number((e.target as HTMLInputElement).value) })}
          />
        </label>
      ))}
      <span class="hint">{t('weightsHint')}</span>
      <button type="submit" class="small" disabled={busy} data-testid="save-weights">
        {t('save')}
      </button>
      <button type="button" class="secondary small" onClick={() => setEditing(false)}>
        {t('cancel')}
      </button>
      {error && <p class="error">{error}</p>}
    </form>
  );
}
