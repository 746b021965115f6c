import { useEffect, useState } from 'preact/hooks';
import { api, type CaseDetail, errorText } from '../api.ts';
import type { Proposal } from './knowledge-api.ts';
import { useKnowledgeText } from './knowledge-text.ts';
import './knowledge.css';

/**
 * On a case the desk may still answer at first contact: the knowledge base's best articles for it, and
 * 直接答复 / Answer now, which sends the (editable) reply to the reporter and closes the case.
 */
export function ProposedAnswers({ detail, onAnswered }: { detail: CaseDetail; onAnswered(): void }) {
  const text = useKnowledgeText();
  const [proposals, setProposals] = useState<Proposal[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [reply, setReply] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setProposals(null);
    api<{ items: Proposal[] }>(`/cases/${detail.caseNumber}/knowledge`)
      .then(({ items }) => {
        setProposals(items);
        const first = items[0]?.article;
        setChosen(first?.id ?? null);
        setReply(first?.body ?? '');
      })
      .catch((e) => setError(errorText(e)));
  }, [detail.caseNumber]);

  const answer = async () => {
    if (!chosen) return;
    setBusy(true);
    try {
      await api(`/cases/${detail.caseNumber}/answer`, {
        method: 'POST',
        body: { articleId: chosen, reply: reply.trim(), version: detail.version },
      });
      setError(null);
      onAnswered();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside class="proposed-answers" data-testid="proposed-answers">
      <h2>{text('proposed')}</h2>
      <p class="hint">{text('proposedHint')}</p>
      {proposals === null && !error && <p>…</p>}
      {proposals?.length === 0 && <p class="hint">{text('noProposals')}</p>}
      {proposals && proposals.length > 0 && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void answer();
          }}
        >
          <ul class="proposal-list">
            {proposals.map(({ article }) => (
              <li key={article.id}>
                <label class={chosen === article.id ? 'chosen' : ''}>
                  <input
                    type="radio"
                    name="article"
                    checked={chosen === article.id}
                    data-testid="proposal"
                    onChange={() => {
                      setChosen(article.id);
                      setReply(article.body);
                    }}
                  />
                  <span>
                    <strong>{article.title}</strong>
                    <small class="hint">{article.category}</small>
                  </span>
                </label>
              </li>
            ))}
          </ul>
          <label class="answer-reply">
            {text('reply')}
            <textarea
              rows={6}
              maxLength={2000}
              required
              value={reply}
              data-testid="answer-reply"
              onInput={(e) => setReply((e.target as HTMLTextAreaElement).value)}
            />
          </label>
          <button type="submit" disabled={busy || !chosen || reply.trim().length < 2} data-testid="answer-now">
            {text('answerNow')}
          </button>
        </form>
      )}
      {error && (
        <p class="error" data-testid="answer-error">
          {error}
        </p>
      )}
    </aside>
  );
}
