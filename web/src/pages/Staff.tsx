import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type Reach, type StaffMember } from '../api.ts';
import { BodyName } from '../components/BodyName.tsx';
import { useI18n } from '../i18n.ts';

/**
 * The administrator's view of who sees what: every staff account with its reach (the whole city, some
 * areas, or none, which means no case at all), each editable in place.
 */
export function Staff() {
  const { t, term } = useI18n();
  const [staff, setStaff] = useState<StaffMember[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    api<StaffMember[]>('/users')
      .then((list) => {
        setStaff(list);
        setError(null);
      })
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    void load();
  }, []);

  return (
    <section data-testid="staff-page">
      <h1>{t('staff')}</h1>
      <p class="hint">{t('staffHint')}</p>
      {error && <p class="error">{error}</p>}
      {!staff && !error && <p>{t('loading')}</p>}
      {staff && (
        <table class="cases compact" data-testid="staff">
          <thead>
            <tr>
              <th>{t('username')}</th>
              <th>{t('fieldName')}</th>
              <th>{t('byRole')}</th>
              <th>{t('reach')}</th>
            </tr>
          </thead>
          <tbody>
            {staff.map((member) => (
              <tr key={member.id} data-username={member.username}>
                <td class="nowrap">
                  {member.username}
                  {member.disabled && <span class="hint"> · {t('disabledUser')}</span>}
                </td>
                <td>{member.displayName}</td>
                <td class="nowrap">{term(member.role)}</td>
                <td>
                  {member.reach === null ? (
                    <span>
                      {t('reachBody')}
                      {member.handlingBodyId && (
                        <>
                          {': '}
                          <BodyName id={member.handlingBodyId} />
                        </>
                      )}
                    </span>
                  ) : (
                    <ReachEditor member={member} onSaved={load} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ReachEditor({ member, onSaved }: { member: StaffMember; onSaved(): void }) {
  const { t } = useI18n();
  const reach = member.reach as Reach;
  const [cityWide, setCityWide] = useState(reach === 'city');
  const [areas, setAreas] = useState(reach === 'city' ? '' : reach.join(', '));
  const [error, setError] = useState<string | null>(null);
  const mayBeCityWide = member.role !== 'grid_worker';

  const save = async () => {
    const body: Reach = cityWide
      ? 'city'
      : areas
          .split(/[,，\s]+/)
          .map((code) => code.trim())
          .filter(Boolean);
    try {
      await api(`/users/${encodeURIComponent(member.username)}/reach`, { method: 'PUT', body: { reach: body } });
      setError(null);
      onSaved();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <form
      class="reach"
      data-testid="reach-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <span class={`reach-now ${reach !== 'city' && reach.length === 0 ? 'error' : ''}`} data-testid="reach-now">
        {reach === 'city' ? t('reachCity') : reach.length ? reach.join(', ') : t('reachNone')}
      </span>
      {mayBeCityWide && (
        <label class="inline">
          <input type="checkbox" checked={cityWide} onChange={(e) => setCityWide(e.currentTarget.checked)} />
          {t('cityWide')}
        </label>
      )}
      {!cityWide && (
        <input
          aria-label={t('reachAreas')}
          placeholder={t('reachAreas')}
          value={areas}
          onInput={(e) => setAreas(e.currentTarget.value)}
          data-testid="reach-areas"
        />
      )}
      <button type="submit" class="small">
        {t('save')}
      </button>
      {error && <span class="error">{error}</span>}
    </form>
  );
}
