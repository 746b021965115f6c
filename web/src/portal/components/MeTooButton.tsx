import { useState } from 'preact/hooks';
import { api, errorText } from '../../api.ts';
import type { Answer } from '../../api-shapes.ts';
import { useSession } from '../context.ts';
import { usePortalWords } from '../messages.ts';

type Supported = Answer<'/public/cases/{caseNumber}/support', 'post'>;

/** "Me too" on a published case: signs the resident in first if needed, then counts them once. */
export function MeTooButton({ caseNumber, onCounted }: { caseNumber: string; onCounted?(count: number): void }) {
  const { w } = usePortalWords();
  const { signedIn } = useSession();
  const [result, setResult] = useState<Supported | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const support = async () => {
    setBusy(true);
    setError(null);
    try {
      if (!(await signedIn())) return;
      const answer = await api<Supported>(`/public/cases/${caseNumber}/support`, { method: 'POST' });
      setResult(answer);
      onCounted?.(answer.meTooCount);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (result) {
    return (
      <p role="status" class="me-too-done" data-testid={`me-too-done-${caseNumber}`}>
        {result.counted ? w('meTooDone', { n: result.meTooCount }) : w('meTooAlready')}
      </p>
    );
  }
  return (
    <>
      <button type="button" class="primary" disabled={busy} onClick={support} data-testid={`me-too-${caseNumber}`}>
        {w('meToo')}
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
