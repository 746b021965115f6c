import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type Reach, type Role, type StaffMember } from '../api.ts';
import type { Answer } from '../api-shapes.ts';
import { AreaMapPicker } from '../components/AreaMapPicker.tsx';
import { BodyName } from '../components/BodyName.tsx';
import { BodySelect } from '../components/BodySelect.tsx';
import { useI18n } from '../i18n.ts';

const STAFF_ROLES: Role[] = ['dispatcher', 'handler', 'grid_worker', 'supervisor', 'admin', 'data_steward', 'auditor'];
const CLEARANCES = ['general', 'important', 'core'];
/** Roles whose work reaches their body's cases, not areas (mirrors the server's AREA_ROLES). */
const BODY_ROLES: Role[] = ['handler'];

/**
 * The administrator's staff accounts: who sees what (the whole city, some areas, or none, which means no
 * case at all), and each account's role, body and clearance; accounts are added, disabled and given a new
 * password here.
 */
export function Staff() {
  const { t, term } = useI18n();
  const [staff, setStaff] = useState<StaffMember[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

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

  const act = async (member: StaffMember, path: 'disable' | 'enable') => {
    if (path === 'disable' && !confirm(t('disableConfirm'))) return;
    try {
      await api(`/users/${encodeURIComponent(member.username)}/${path}`, { method: 'POST' });
      setNotice(path === 'disable' ? t('accountDisabled') : t('accountEnabled'));
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section data-testid="staff-page">
      <p class="hint">{t('staffHint')}</p>
      {error && <p class="error">{error}</p>}
      {notice && <p class="notice">{notice}</p>}
      {!adding && (
        <button type="button" data-testid="add-user" onClick={() => setAdding(true)}>
          {t('addUser')}
        </button>
      )}
      {adding && (
        <NewAccountForm
          onDone={async (created) => {
            setAdding(false);
            if (created) {
              setNotice(t('accountCreated'));
              await load();
            }
          }}
        />
      )}
      {!staff && !error && <p>{t('loading')}</p>}
      {staff && (
        <table class="cases compact staff-table" data-testid="staff">
          <thead>
            <tr>
              <th>{t('username')}</th>
              <th>{t('fieldName')}</th>
              <th>{t('byRole')}</th>
              <th>{t('reach')}</th>
              <th />
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
                <td class="nowrap">
                  {term(member.role)}
                  <div class="hint">{term(`clearance_${member.clearance}`)}</div>
                </td>
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
                <td class="actions">
                  <button
                    type="button"
                    class="secondary small"
                    data-testid="edit-user"
                    onClick={() => setEditing(editing === member.username ? null : member.username)}
                  >
                    {t('edit')}
                  </button>{' '}
                  <button
                    type="button"
                    class="secondary small"
                    onClick={() => act(member, member.disabled ? 'enable' : 'disable')}
                  >
                    {member.disabled ? t('enable') : t('disable')}
                  </button>
                  {editing === member.username && (
                    <AccountEditor
                      member={member}
                      onDone={async (message) => {
                        setEditing(null);
                        if (message) {
                          setNotice(message);
                          await load();
                        }
                      }}
                    />
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

/** A new staff account: who, what role, where (areas on the map, or a handler's body) and a first password. */
function NewAccountForm({ onDone }: { onDone(created: boolean): void }) {
  const { t } = useI18n();
  const [role, setRole] = useState<Role>('dispatcher');
  const [bodyId, setBodyId] = useState('');
  const [areas, setAreas] = useState<string[]>([]);
  const [cityWide, setCityWide] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const byBody = BODY_ROLES.includes(role);

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const text = (key: string) => String(form.get(key) ?? '').trim();
    try {
      await api('/users', {
        method: 'POST',
        body: {
          username: text('username'),
          displayName: text('displayName'),
          role,
          ...(byBody ? { handlingBodyId: bodyId || null } : { reach: cityWide ? 'city' : areas }),
          password: String(form.get('password') ?? ''),
        },
      });
      onDone(true);
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <form class="action-form" data-testid="new-user-form" onSubmit={onSubmit}>
      <h2>{t('addUser')}</h2>
      <div class="row">
        <label>
          {t('username')} *
          <input name="username" required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{1,63}" data-testid="new-username" />
        </label>
        <label>
          {t('fieldName')} *
          <input name="displayName" required maxLength={100} data-testid="new-display-name" />
        </label>
        <label for="new-role">
          {t('byRole')}
          <RoleSelect value={role} onChange={setRole} testId="new-role" id="new-role" />
        </label>
        <label>
          {t('firstPassword')} *
          <input name="password" type="password" required autocomplete="new-password" data-testid="new-password" />
        </label>
      </div>
      {byBody ? (
        <label for="new-body">
          {t('body')} *
          <BodySelect id="new-body" value={bodyId} onChange={setBodyId} required testId="new-body" />
        </label>
      ) : (
        <fieldset>
          <legend>{t('reach')}</legend>
          {role !== 'grid_worker' && (
            <label class="inline">
              <input type="checkbox" checked={cityWide} onChange={(e) => setCityWide(e.currentTarget.checked)} />
              {t('cityWide')}
            </label>
          )}
          {!cityWide && <AreaMapPicker value={areas} onChange={setAreas} multiple testId="new-areas" />}
        </fieldset>
      )}
      <p class="hint">{t('passwordRules')}</p>
      {error && <p class="error">{error}</p>}
      <button type="submit" data-testid="new-user-save">
        {t('save')}
      </button>{' '}
      <button type="button" class="secondary" onClick={() => onDone(false)}>
        {t('cancel')}
      </button>
    </form>
  );
}

/** A staff member's name, role, body and clearance, and a new password for someone who forgot theirs. */
function AccountEditor({ member, onDone }: { member: StaffMember; onDone(message: string | null): void }) {
  const { t, term } = useI18n();
  const [role, setRole] = useState(member.role);
  const [bodyId, setBodyId] = useState(member.handlingBodyId ?? '');
  const [error, setError] = useState<string | null>(null);

  const save = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const password = String(form.get('password') ?? '');
    try {
      await api(`/users/${encodeURIComponent(member.username)}`, {
        method: 'PATCH',
        body: {
          displayName: String(form.get('displayName') ?? '').trim(),
          ...(role !== member.role ? { role } : {}),
          handlingBodyId: BODY_ROLES.includes(role) ? bodyId || null : null,
          ...(form.get('clearance') !== member.clearance ? { clearance: form.get('clearance') } : {}),
        },
      });
      if (password) {
        const ended = await api<Answer<'/users/{username}/password', 'put'>>(
          `/users/${encodeURIComponent(member.username)}/password`,
          { method: 'PUT', body: { password } },
        );
        onDone(t('passwordReset').replace('{sessions}', String(ended.sessionsEnded)));
        return;
      }
      onDone(t('saved'));
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <form class="action-form account-editor" data-testid="user-form" onSubmit={save}>
      <label>
        {t('fieldName')}
        <input name="displayName" required maxLength={100} defaultValue={member.displayName} />
      </label>
      <label for={`role-of-${member.username}`}>
        {t('byRole')}
        <RoleSelect value={role} onChange={setRole} testId="edit-role" id={`role-of-${member.username}`} />
      </label>
      {BODY_ROLES.includes(role) && (
        <label for={`body-of-${member.username}`}>
          {t('body')}
          <BodySelect id={`body-of-${member.username}`} value={bodyId} onChange={setBodyId} required />
        </label>
      )}
      <label>
        {t('clearance')}
        <select name="clearance" defaultValue={member.clearance}>
          {CLEARANCES.map((c) => (
            <option key={c} value={c}>
              {term(`clearance_${c}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('newPasswordOptional')}
        <input name="password" type="password" autocomplete="new-password" data-testid="reset-password" />
      </label>
      {error && <p class="error">{error}</p>}
      <button type="submit" class="small" data-testid="user-save">
        {t('save')}
      </button>{' '}
      <button type="button" class="secondary small" onClick={() => onDone(null)}>
        {t('cancel')}
      </button>
    </form>
  );
}

function ReachEditor({ member, onSaved }: { member: StaffMember; onSaved(): void }) {
  const { t } = useI18n();
  const reach = member.reach as Reach;
  const [open, setOpen] = useState(false);
  const [cityWide, setCityWide] = useState(reach === 'city');
  const [areas, setAreas] = useState<string[]>(reach === 'city' ? [] : reach);
  const [error, setError] = useState<string | null>(null);
  const mayBeCityWide = member.role !== 'grid_worker';

  const save = async () => {
    try {
      await api(`/users/${encodeURIComponent(member.username)}/reach`, {
        method: 'PUT',
        body: { reach: cityWide ? 'city' : areas },
      });
      setError(null);
      setOpen(false);
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
      </span>{' '}
      {!open && (
        <button type="button" class="secondary small" data-testid="reach-change" onClick={() => setOpen(true)}>
          {t('changeReach')}
        </button>
      )}
      {open && (
        <>
          {mayBeCityWide && (
            <label class="inline">
              <input type="checkbox" checked={cityWide} onChange={(e) => setCityWide(e.currentTarget.checked)} />
              {t('cityWide')}
            </label>
          )}
          {!cityWide && <AreaMapPicker value={areas} onChange={setAreas} multiple testId="reach-areas" />}
          <button type="submit" class="small" data-testid="reach-save">
            {t('save')}
          </button>
        </>
      )}
      {error && <span class="error">{error}</span>}
    </form>
  );
}

function RoleSelect({
  value,
  onChange,
  testId,
  id,
}: {
  value: Role;
  onChange(role: Role): void;
  testId: string;
  id: string;
}) {
  const { term } = useI18n();
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value as Role)} data-testid={testId}>
      {STAFF_ROLES.map((role) => (
        <option key={role} value={role}>
          {term(role)}
        </option>
      ))}
    </select>
  );
}
