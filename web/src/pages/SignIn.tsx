import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorText, type Me, type SignedIn, setCsrfToken } from '../api.ts';
import type { Answer } from '../api-shapes.ts';
import { type Translator, useI18n } from '../i18n.ts';
import { linkTo } from '../router.ts';

type DemoUsers = Answer<'/demo/users'>;

const ROLE_ORDER = [
  'citizen',
  'dispatcher',
  'handler',
  'grid_worker',
  'supervisor',
  'admin',
  'data_steward',
  'auditor',
];
/** How long to wait before asking for another code (the server refuses sooner with AUTH_ERR_CODE_TOO_SOON). */
const RESEND_SECONDS = 60;

/** A wait in seconds, as "3 分钟" / "45 s". */
function waitText(i18n: Translator, seconds: number): string {
  return seconds >= 60
    ? i18n.t('waitMinutes').replace('{n}', String(Math.ceil(seconds / 60)))
    : i18n.t('waitSeconds').replace('{n}', String(seconds));
}

/** A countdown in whole seconds to 0, restarted by `start(seconds)`. */
function useCountdown() {
  const [until, setUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until <= Date.now()) return;
    const timer = setInterval(() => {
      const at = Date.now();
      setNow(at);
      if (at >= until) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [until]);
  const left = Math.max(0, Math.ceil((until - now) / 1000));
  return {
    left,
    start: (seconds: number) => {
      const at = Date.now();
      setNow(at);
      setUntil(at + seconds * 1000);
    },
  };
}

/** The sign-in errors in words: wrong credentials, a lockout with its wait, a code asked for too soon. */
function signInError(i18n: Translator, e: unknown): string {
  if (!(e instanceof ApiError)) return (e as Error).message;
  const seconds = Number(e.details?.retryAfterSeconds ?? 0);
  switch (e.code) {
    case 'AUTH_ERR_BAD_CREDENTIALS':
      return i18n.t('badCredentials');
    case 'AUTH_ERR_LOCKED':
      return i18n.t('lockedOut').replace('{wait}', waitText(i18n, seconds));
    case 'AUTH_ERR_BAD_CODE':
      return i18n.t('badCode');
    case 'AUTH_ERR_PHONE':
      return i18n.t('badPhone');
    case 'AUTH_ERR_CODE_TOO_SOON':
      return i18n.t('codeTooSoon').replace('{wait}', waitText(i18n, seconds));
    default:
      return e.status === 429 ? i18n.t('tooManyRequests') : errorText(e);
  }
}

/** Sign-in: user name and password (staff), a code sent to the phone (citizens), and the demo's users. */
export function SignIn({ onSignedIn }: { onSignedIn(me: Me): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [demo, setDemo] = useState<DemoUsers | null>(null);
  const [demoError, setDemoError] = useState<string | null>(null);

  useEffect(() => {
    api<DemoUsers>('/demo/users')
      .then(setDemo)
      // 404: demo sign-in is off (production); nothing to show.
      .catch((e) => setDemoError(e instanceof ApiError && e.status === 404 ? null : errorText(e)));
  }, []);

  const signedIn = ({ user, csrfToken }: SignedIn) => {
    setCsrfToken(csrfToken);
    onSignedIn(user);
  };

  return (
    <section class="sign-in" data-testid="sign-in-page">
      <h1>{t('signIn')}</h1>
      <p>
        <a {...linkTo('/public')} data-testid="public-cases-link">
          {t('publicCases')} →
        </a>
      </p>
      <div class="sign-in-forms">
        <PasswordForm onSignedIn={signedIn} />
        <PhoneForm onSignedIn={signedIn} />
      </div>
      {demoError && <p class="error">{demoError}</p>}
      {demo && <DemoUsersList demo={demo} onSignedIn={signedIn} />}
    </section>
  );
}

function PasswordForm({ onSignedIn }: { onSignedIn(session: SignedIn): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const lock = useCountdown();

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      onSignedIn(
        await api<SignedIn>('/auth/sign-in', { method: 'POST', body: { username: username.trim(), password } }),
      );
    } catch (e) {
      // While locked, the message counts the wait down; then it says the lock is over.
      if (e instanceof ApiError && e.code === 'AUTH_ERR_LOCKED') {
        lock.start(Number(e.details?.retryAfterSeconds ?? 60));
        setError(t('lockOver'));
      } else {
        setError(signInError(i18n, e));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="sign-in-form" data-testid="password-form" onSubmit={submit}>
      <h2>{t('staffSignIn')}</h2>
      <label>
        {t('username')}
        <input
          data-testid="sign-in-username"
          autocomplete="username"
          required
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
        />
      </label>
      <label>
        {t('password')}
        <input
          data-testid="sign-in-password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </label>
      {error && (
        <p class="error" data-testid="sign-in-error" role="alert" data-locked={String(lock.left > 0)}>
          {lock.left > 0 ? t('lockedOut').replace('{wait}', waitText(i18n, lock.left)) : error}
        </p>
      )}
      <div class="form-buttons">
        <button type="submit" data-testid="sign-in-submit" disabled={busy || lock.left > 0}>
          {t('signIn')}
        </button>
      </div>
    </form>
  );
}

function PhoneForm({ onSignedIn }: { onSignedIn(session: SignedIn): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const resend = useCountdown();

  const sendCode = async () => {
    setBusy(true);
    try {
      await api<Answer<'/auth/code', 'post'>>('/auth/code', { method: 'POST', body: { phone: phone.trim() } });
      setSent(true);
      setError(null);
      resend.start(RESEND_SECONDS);
    } catch (e) {
      setError(signInError(i18n, e));
      if (e instanceof ApiError && e.code === 'AUTH_ERR_CODE_TOO_SOON') {
        setSent(true);
        resend.start(Number(e.details?.retryAfterSeconds ?? RESEND_SECONDS));
      }
    } finally {
      setBusy(false);
    }
  };

  const verify = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      onSignedIn(
        await api<SignedIn>('/auth/code/verify', { method: 'POST', body: { phone: phone.trim(), code: code.trim() } }),
      );
    } catch (e) {
      setError(signInError(i18n, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="sign-in-form" data-testid="phone-form" onSubmit={verify}>
      <h2>{t('citizenSignIn')}</h2>
      <label>
        {t('mobileNumber')}
        <div class="inline-field">
          <input
            data-testid="phone-number"
            type="tel"
            inputMode="numeric"
            autocomplete="tel"
            placeholder="13800138000"
            value={phone}
            onInput={(e) => setPhone(e.currentTarget.value)}
          />
          <button
            type="button"
            class="secondary"
            data-testid="phone-send-code"
            disabled={busy || resend.left > 0 || phone.trim().length < 5}
            onClick={sendCode}
          >
            {resend.left > 0
              ? t('resendIn').replace('{n}', String(resend.left))
              : sent
                ? t('resendCode')
                : t('sendCode')}
          </button>
        </div>
      </label>
      {sent && (
        <p class="hint" data-testid="phone-code-sent">
          {t('codeSent')}
        </p>
      )}
      <label>
        {t('signInCode')}
        <input
          data-testid="phone-code"
          inputMode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          disabled={!sent}
          value={code}
          onInput={(e) => setCode(e.currentTarget.value)}
        />
      </label>
      {error && (
        <p class="error" data-testid="phone-error" role="alert">
          {error}
        </p>
      )}
      <div class="form-buttons">
        <button type="submit" data-testid="phone-sign-in" disabled={busy || !sent || !/^\d{6}$/.test(code.trim())}>
          {t('signIn')}
        </button>
      </div>
    </form>
  );
}

function DemoUsersList({ demo, onSignedIn }: { demo: DemoUsers; onSignedIn(session: SignedIn): void }) {
  const i18n = useI18n();
  const { t, term } = i18n;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const signIn = async (username: string) => {
    setBusy(true);
    try {
      onSignedIn(await api<SignedIn>('/auth/sign-in', { method: 'POST', body: { username, password: demo.password } }));
    } catch (e) {
      setError(signInError(i18n, e));
    } finally {
      setBusy(false);
    }
  };

  const roles = [...ROLE_ORDER, ...demo.users.map((u) => u.role).filter((r) => !ROLE_ORDER.includes(r))];
  return (
    <div class="demo-users" data-testid="demo-users">
      <h2>{t('signInAs')}</h2>
      <p class="hint">
        {t('signInHint')} {t('demoPassword')} <code data-testid="demo-password">{demo.password}</code>
      </p>
      {error && <p class="error">{error}</p>}
      {roles
        .filter((role, i, all) => all.indexOf(role) === i)
        .map((role) => {
          const ofRole = demo.users.filter((u) => u.role === role);
          if (ofRole.length === 0) return null;
          return (
            <div key={role} class="role-group">
              <h3>{term(role)}</h3>
              <div class="user-buttons">
                {ofRole.map((u) => (
                  <button
                    type="button"
                    key={u.username}
                    data-testid={`sign-in-${u.username}`}
                    disabled={busy}
                    title={u.username}
                    onClick={() => signIn(u.username)}
                  >
                    {u.displayName}
                  </button>
                ))}
              </div>
            </div>
          );
        })}
    </div>
  );
}
