import { useState } from 'preact/hooks';
import { api, errorText } from '../../api.ts';
import type { Answer, Body } from '../../api-shapes.ts';
import { useSession } from '../context.ts';
import { usePortalWords } from '../messages.ts';

type Target = Body<'/me/subscriptions', 'post'>;
type Consents = Answer<'/me/consents'>['consents'];

/**
 * Follow a case or an area by text message: signs the resident in if needed, and asks the server to
 * contact them (the button says so: pressing it is the consent), then follows.
 */
export function FollowButton({ target, label, testId }: { target: Target; label: string; testId: string }) {
  const { w } = usePortalWords();
  const { signedIn } = useSession();
  const [state, setState] = useState<'idle' | 'busy' | 'done'>('idle');
  const [error, setError] = useState<string | null>(null);

  const follow = async () => {
    setState('busy');
    setError(null);
    try {
      if (!(await signedIn())) return setState('idle');
      const { consents } = await api<{ consents: Consents }>('/me/consents');
      if (!consents.contact) await api('/me/consents', { method: 'PUT', body: { contact: true } });
      await api('/me/subscriptions', { method: 'POST', body: target });
      setState('done');
    } catch (e) {
      setError(errorText(e));
      setState('idle');
    }
  };

  if (state === 'done') {
    return (
      <p role="status" class="me-too-done" data-testid={`${testId}-done`}>
        {w('followed')}
      </p>
    );
  }
  return (
    <>
      <button type="button" class="secondary" disabled={state === 'busy'} onClick={follow} data-testid={testId}>
        {label}
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
