import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, errorText, type Me, type SignedIn, setCsrfToken } from '../../api.ts';
import type { Answer } from '../../api-shapes.ts';
import { usePortalWords } from '../messages.ts';

type DemoUsers = Answer<'/demo/users'>;

/**
 * Sign-in by a code sent to the phone, in a modal dialog (the native <dialog>: focus is kept inside and
 * Escape closes it). Only residents sign in here; the demo's residents are offered when demo sign-in is on.
 */
export function PhoneSignIn({ onDone }: { onDone(me: Me | null): void }) {
  const { w } = usePortalWords();
  const dialog = useRef<HTMLDialogElement>(null);
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [demo, setDemo] = useState<DemoUsers | null>(null);

  useEffect(() => {
    dialog.current?.showModal();
    api<DemoUsers>('/demo/users')
      .then(setDemo)
      .catch(() => setDemo(null));
  }, []);

  const signedIn = (answer: SignedIn) => {
    setCsrfToken(answer.csrfToken);
    dialog.current?.close();
    onDone(answer.user);
  };

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'AUTH_ERR_BAD_CODE' ? `${errorText(e)}` : errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const sendCode = () =>
    run(async () => {
      const answer = await api<Answer<'/auth/code', 'post'>>('/auth/code', {
        method: 'POST',
        body: { phone: phone.trim() },
      });
      setSent(Math.round(answer.expiresInSeconds / 60));
    });

  const verify = () =>
    run(async () =>
      signedIn(
        await api<SignedIn>('/auth/code/verify', { method: 'POST', body: { phone: phone.trim(), code: code.trim() } }),
      ),
    );

  const citizens = demo?.users.filter((u) => u.role === 'citizen') ?? [];
  return (
    <dialog
      ref={dialog}
      class="portal-dialog"
      aria-labelledby="sign-in-title"
      data-testid="phone-sign-in-dialog"
      onClose={() => onDone(null)}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void (sent === null ? sendCode() : verify());
        }}
      >
        <h2 id="sign-in-title">{w('signInTitle')}</h2>
        <p class="hint">{w('signInLead')}</p>
        <label class="field">
          <span>{w('phone')}</span>
          <input
            type="tel"
            inputMode="tel"
            autoComplete="tel"
            required
            value={phone}
            onInput={(e) => setPhone((e.target as HTMLInputElement).value)}
            data-testid="phone-number"
          />
        </label>
        {sent !== null && (
          <>
            <p role="status" data-testid="phone-code-sent">
              {w('codeSent', { n: sent })}
            </p>
            <label class="field">
              <span>{w('code')}</span>
              <input
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9]{6}"
                required
                value={code}
                onInput={(e) => setCode((e.target as HTMLInputElement).value)}
                data-testid="phone-code"
              />
            </label>
          </>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button
            type="submit"
            class="primary"
            disabled={busy}
            data-testid={sent === null ? 'phone-send-code' : 'phone-sign-in'}
          >
            {sent === null ? w('sendCode') : w('confirm')}
          </button>
          <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
            {w('cancel')}
          </button>
        </div>
        {demo && citizens.length > 0 && (
          <p class="hint">
            {w('demoCitizens')}{' '}
            {citizens.map((u) => (
              <button
                key={u.username}
                type="button"
                class="link-button"
                data-testid={`demo-${u.username}`}
                onClick={() =>
                  run(async () =>
                    signedIn(
                      await api<SignedIn>('/auth/sign-in', {
                        method: 'POST',
                        body: { username: u.username, password: demo.password },
                      }),
                    ),
                  )
                }
              >
                {u.displayName}
              </button>
            ))}
          </p>
        )}
      </form>
    </dialog>
  );
}
