import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type Me } from '../api.ts';
import { BodyName, BodyNames } from '../components/BodyName.tsx';
import { AreaLabel, CategoryLabel } from '../components/routing/AreaLabels.tsx';
import { RuleForm } from '../components/routing/RuleForm.tsx';
import { RuleTester } from '../components/routing/RuleTester.tsx';
import type { RoutingRule } from '../components/routing/types.ts';
import { useI18n } from '../i18n.ts';

/** The routing rules (派单规则): supervisors and administrators edit them, dispatchers read and test them. */
export function RoutingRules({ me }: { me: Me }) {
  const { t, date } = useI18n();
  const editable = ['supervisor', 'admin'].includes(me.role);
  const [rules, setRules] = useState<RoutingRule[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<RoutingRule | 'new' | null>(null);

  const load = () =>
    api<{ items: RoutingRule[] }>('/routing-rules')
      .then((d) => setRules(d.items))
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    void load();
  }, []);

  const remove = async (rule: RoutingRule) => {
    if (!confirm(t('deleteRuleConfirm'))) return;
    try {
      await api(`/routing-rules/${rule.id}`, { method: 'DELETE' });
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section class="routing-rules" data-testid="routing-rules">
      <h1>{t('routing')}</h1>
      <p class="hint">{t('routingHint')}</p>
      {!editable && <p class="hint">{t('readOnly')}</p>}
      {error && <p class="error">{error}</p>}
      {editable && !editing && (
        <button type="button" data-testid="add-rule" onClick={() => setEditing('new')}>
          {t('addRule')}
        </button>
      )}
      {editing && (
        <RuleForm
          key={editing === 'new' ? 'new' : editing.id}
          rule={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={async () => {
            await load();
            setEditing(null);
          }}
        />
      )}
      {!rules && !error && <p>{t('loading')}</p>}
      {rules && (
        <table class="cases" data-testid="rules">
          <thead>
            <tr>
              <th>{t('category')}</th>
              <th>{t('areaCode')}</th>
              <th>{t('timeWindow')}</th>
              <th>{t('leadBody')}</th>
              <th>{t('assistingBodies')}</th>
              <th>{t('note')}</th>
              <th>{t('updatedAt')}</th>
              {editable && <th />}
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => (
              <tr key={r.id} data-rule={r.id}>
                <td>
                  <CategoryLabel code={r.categoryCode} />
                </td>
                <td>
                  <AreaLabel code={r.areaCode} />
                </td>
                <td class="nowrap">{r.window ? `${r.window.start}–${r.window.end}` : t('allDay')}</td>
                <td>
                  <BodyName id={r.leadBodyId} />
                </td>
                <td>
                  <BodyNames ids={r.assistingBodyIds} />
                </td>
                <td>{r.note ?? '—'}</td>
                <td class="nowrap">{date(r.updatedAt)}</td>
                {editable && (
                  <td class="nowrap">
                    <button type="button" class="secondary small" data-testid="edit-rule" onClick={() => setEditing(r)}>
                      {t('edit')}
                    </button>{' '}
                    <button type="button" class="secondary small" data-testid="delete-rule" onClick={() => remove(r)}>
                      {t('delete')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rules?.length === 0 && <p class="empty">{t('noRules')}</p>}
      <RuleTester />
    </section>
  );
}
