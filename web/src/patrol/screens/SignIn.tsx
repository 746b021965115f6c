import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorText, type Me, type SignedIn, setCsrfToken } from '../../api.ts';
import type { Answer } from '../../api-shapes.ts';
import type { Language } from '../../i18n.ts';
import { useWords } from '../messages.ts';

type DemoUsers = Answer<'/demo/users'>;

/** User name and password (POST /auth/sign-in); the demo's grid worker is offered when demo sign-in is on. */
export function SignIn({
  onSignedIn,
  onLanguage,
}: {
  onSignedIn(me: Me): void;
  language: Language;
  onLanguage(): void;
}) {
  const { w } = useWords();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [demo, setDemo] = useState<{ username: string; password: string } | null>(null);

  useEffect(() => {
    api<DemoUsers>('/demo/users')
      .then((answer) => {
        const worker = answer.users.find((u) => u.username === 'gridworker' || u.role === 'grid_worker');
        if (worker) setDemo({ username: worker.username, password: answer.password });
      })
      .catch(() => setDemo(null));
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!navigator.onLine) {
      setError(w('signInOffline'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const session = await api<SignedIn>('/auth/sign-in', { method: 'POST', body: { username, password } });
      setCsrfToken(session.csrfToken);
      onSignedIn(session.user);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'AUTH_ERR_BAD_CREDENTIALS') setError(w('badCredentials'));
      else if (e instanceof ApiError) setError(errorText(e));
      else setError(w('signInOffline'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="p-app p-sign-in" data-testid="patrol-sign-in">
      <header class="p-top">
        <span class="p-brand">{w('appName')}</span>
        <span class="p-spacer" />
        <button type="button" class="p-link" onClick={onLanguage} data-testid="language">
          {w('language')}
        </button>
      </header>
      <main class="p-main">
        <h1>{w('signInTitle')}</h1>
        <p class="p-hint">{w('signInLead')}</p>
        <form class="p-form" onSubmit={submit}>
          <label>
            {w('username')}
            <input
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              required
              value={username}
              onInput={(e) => setUsername((e.target as HTMLInputElement).value)}
              data-testid="username"
            />
          </label>
          <label>
            {w('password')}
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
              data-testid="password"
            />
          </label>
          {error && (
            <p class="p-error" role="alert" data-testid="sign-in-error">
              {error}
            </p>
          )}
          <button type="submit" class="p-button wide" disabled={busy} data-testid="sign-in">
            {busy ? w('signingIn') : w('signIn')}
          </button>
        </form>
        {demo && (
          <p class="p-hint p-demo" data-testid="demo-hint">
            {w('demoHint', { user: demo.username, password: demo.password })}{' '}
            <button
              type="button"
              class="p-link"
              onClick={() => {
                setUsername(demo.username);
                setPassword(demo.password);
              }}
            >
              {w('useDemo')}
            </button>
          </p>
        )}
      </main>
    </div>
  );
}
