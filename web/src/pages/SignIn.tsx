import { useEffect, useState } from 'preact/hooks';
import { api, type Me, setToken } from '../api.ts';
import { useI18n } from '../i18n.ts';

interface DemoUser {
  username: string;
  displayName: string;
  role: string;
}

const ROLE_ORDER = ['citizen', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'admin'];

export function SignIn({ onSignedIn }: { onSignedIn(me: Me): void }) {
  const { t, term } = useI18n();
  const [users, setUsers] = useState<DemoUser[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<DemoUser[]>('/demo/users')
      .then(setUsers)
      .catch((e: Error) => setError(e.message));
  }, []);

  const signIn = async (username: string) => {
    try {
      const { token, user } = await api<{ token: string; user: Me }>('/demo/sign-in', {
        method: 'POST',
        body: { username },
      });
      setToken(token);
      onSignedIn(user);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section class="sign-in">
      <h1>{t('signInAs')}</h1>
      <p class="hint">{t('signInHint')}</p>
      {error && <p class="error">{error}</p>}
      {ROLE_ORDER.map((role) => {
        const ofRole = users.filter((u) => u.role === role);
        if (ofRole.length === 0) return null;
        return (
          <div key={role} class="role-group">
            <h2>{term(role)}</h2>
            <div class="user-buttons">
              {ofRole.map((u) => (
                <button
                  type="button"
                  key={u.username}
                  data-testid={`sign-in-${u.username}`}
                  onClick={() => signIn(u.username)}
                >
                  {u.displayName}
                </button>
              ))}
            </div>
          </div>
        );
      })}
    </section>
  );
}
