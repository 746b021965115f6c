import { useState } from 'preact/hooks';
import { api, errorText, type HandlingBody } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { referenceChanged, useReference } from '../../reference-data.ts';
import { BodySelect } from '../BodySelect.tsx';

const BODY_TYPES = [
  'government_department',
  'district_government',
  'street_office',
  'community_committee',
  'enterprise',
  'ngo',
  'volunteer_team',
];

/** Bodies below their superiors, depth first, each with its depth: the tree as an indented list. */
function asTree(bodies: HandlingBody[]): Array<{ body: HandlingBody; depth: number }> {
  const known = new Set(bodies.map((b) => b.id));
  const children = (parentId: string | null) =>
    bodies.filter((b) => (parentId === null ? b.parentId === null || !known.has(b.parentId) : b.parentId === parentId));
  const out: Array<{ body: HandlingBody; depth: number }> = [];
  const walk = (parentId: string | null, depth: number) => {
    for (const body of children(parentId)) {
      out.push({ body, depth });
      walk(body.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** The handling bodies (承办单位) as a tree: add one, rename it, change its type or superior. */
export function BodiesAdmin() {
  const { t, name, term } = useI18n();
  const { bodies } = useReference();
  const [editing, setEditing] = useState<HandlingBody | 'new' | null>(null);
  return (
    <section data-testid="bodies-admin">
      <p class="hint">{t('bodiesHint')}</p>
      {!editing && (
        <button type="button" data-testid="add-body" onClick={() => setEditing('new')}>
          {t('addBody')}
        </button>
      )}
      {editing && (
        <BodyForm
          key={editing === 'new' ? 'new' : editing.id}
          body={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      <ul class="tree" data-testid="bodies">
        {asTree(bodies).map(({ body, depth }) => (
          <li key={body.id} style={{ paddingInlineStart: `${depth * 1.25}rem` }} data-code={body.code}>
            <strong>{name(body)}</strong> <span class="hint">{term(body.type)}</span>{' '}
            <span class="case-number">{body.code}</span>{' '}
            <button type="button" class="secondary small" onClick={() => setEditing(body)}>
              {t('edit')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function BodyForm({ body, onDone }: { body: HandlingBody | null; onDone(): void }) {
  const { t, term } = useI18n();
  const [parentId, setParentId] = useState(body?.parentId ?? '');
  const [error, setError] = useState<string | null>(null);
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const text = (key: string) => String(form.get(key) ?? '').trim();
    const changes = { nameZh: text('nameZh'), nameEn: text('nameEn'), type: text('type'), parentId: parentId || null };
    try {
      await api(body ? `/handling-bodies/${body.id}` : '/handling-bodies', {
        method: body ? 'PATCH' : 'POST',
        body: body ? changes : { ...changes, code: text('code') },
      });
      referenceChanged();
      onDone();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <form class="action-form" data-testid="body-form" onSubmit={onSubmit}>
      <h2>{body ? t('editBody') : t('addBody')}</h2>
      <div class="row">
        {!body && (
          <label>
            {t('bodyCode')} *
            <input name="code" required pattern="[a-z0-9][a-z0-9\-]{1,63}" data-testid="body-code" />
          </label>
        )}
        <label>
          {t('nameZh')} *
          <input name="nameZh" required maxLength={100} defaultValue={body?.nameZh} data-testid="body-name-zh" />
        </label>
        <label>
          {t('nameEn')} *
          <input name="nameEn" required maxLength={100} defaultValue={body?.nameEn} data-testid="body-name-en" />
        </label>
        <label>
          {t('bodyType')}
          <select name="type" defaultValue={body?.type ?? 'government_department'} data-testid="body-type">
            {BODY_TYPES.map((type) => (
              <option key={type} value={type}>
                {term(type)}
              </option>
            ))}
          </select>
        </label>
        <label for="body-parent">
          {t('superiorBody')}
          <BodySelect id="body-parent" value={parentId} onChange={setParentId} testId="body-parent" />
        </label>
      </div>
      {error && <p class="error">{error}</p>}
      <button type="submit" data-testid="body-save">
        {t('save')}
      </button>{' '}
      <button type="button" class="secondary" onClick={onDone}>
        {t('cancel')}
      </button>
    </form>
  );
}
