import { useState } from 'preact/hooks';
import { api, errorText } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useEvaluationText } from './messages.ts';
import { WEIGHT_KEYS, type Weights } from './types.ts';

type WeightKey = (typeof WEIGHT_KEYS)[number];

/** The composite score's weights, the defaults and where they come from; supervisors and administrators may change them. */
export function WeightsPanel({
  weights,
  defaults,
  editable,
  onSaved,
}: {
  weights: Weights;
  defaults: Weights;
  editable: boolean;
  onSaved(weights: Weights): void;
}) {
  const { t, number } = useI18n();
  const say = useEvaluationText();
  const [draft, setDraft] = useState<Weights>(weights);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const label = (key: WeightKey) =>
    key === 'response'
      ? t('weightResponse')
      : key === 'onTime'
        ? say('weightOnTime')
        : key === 'solved'
          ? t('weightSolved')
          : key === 'satisfied'
            ? t('weightSatisfied')
            : say('weightRework');
  const list = (w: Weights) => WEIGHT_KEYS.map((key) => `${label(key)} ${number(w[key], 2)}`).join(' : ');
  const total = WEIGHT_KEYS.reduce((sum, key) => sum + draft[key], 0);
  const addsUp = Math.abs(total - 100) < 1e-6;

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

  const source = (
    <details class="weights-source" data-testid="weights-source">
      <summary>
        {say('weightsDefault')}: {list(defaults)}
      </summary>
      <p class="hint">{say('weightsSource')}</p>
    </details>
  );

  if (!editing) {
    return (
      <div class="weights" data-testid="weights">
        <span>
          <strong>{t('weights')}:</strong> <span data-testid="weights-in-force">{list(weights)}</span>
        </span>
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
        {source}
      </div>
    );
  }
  return (
    <form class="weights editing" data-testid="weights-form" onSubmit={save}>
      <strong>{t('weights')}</strong>
      {WEIGHT_KEYS.map((key) => (
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
      <span class={addsUp ? 'hint' : 'error'} data-testid="weights-total">
        {say('weightsMustAddUp', { total: number(total, 2) })}
      </span>
      <button type="submit" class="small" disabled={busy || !addsUp} data-testid="save-weights">
        {t('save')}
      </button>
      <button type="button" class="secondary small" onClick={() => setEditing(false)}>
        {t('cancel')}
      </button>
      {error && <p class="error">{error}</p>}
      {source}
    </form>
  );
}
