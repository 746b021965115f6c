import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type Me } from '../api.ts';
import { BodySelect } from '../components/BodySelect.tsx';
import { useI18n } from '../i18n.ts';
import { useReference } from '../reference-data.ts';
import { type Article, type ArticleVersion, cityToday, EDITOR_ROLES, type Proposal } from './knowledge-api.ts';
import { useKnowledgeText } from './knowledge-text.ts';
import './knowledge.css';

/** 知识库: search or browse the answers, read one with its history, and (editors) write a new version. */
export function KnowledgeBase({ me }: { me: Me }) {
  const text = useKnowledgeText();
  const [query, setQuery] = useState('');
  const [category, setCategory] = useState('');
  const [dueOnly, setDueOnly] = useState(false);
  const [all, setAll] = useState<Article[]>([]);
  const [results, setResults] = useState<Article[] | null>(null);
  const [selected, setSelected] = useState<Article | null>(null);
  const [editing, setEditing] = useState<Article | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mayEdit = EDITOR_ROLES.includes(me.role);

  const loadList = () =>
    api<{ items: Article[] }>(`/knowledge/articles${dueOnly ? '?reviewDue=true' : ''}`)
      .then(({ items }) => setAll(items))
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    void loadList();
  }, [dueOnly]);

  const search = async () => {
    if (!query.trim()) {
      setResults(null);
      return;
    }
    try {
      const { items } = await api<{ items: Proposal[] }>(
        `/knowledge/search?q=${encodeURIComponent(query.trim())}&top=10`,
      );
      setResults(items.map((p) => p.article));
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const categories = [...new Set(all.map((a) => a.category))].sort();
  const shown = (results ?? all).filter((a) => !category || a.category === category);
  return (
    <section class="knowledge" data-testid="knowledge-base">
      <h1>{text('title')}</h1>
      <p class="hint">{text('intro')}</p>
      <form
        class="knowledge-search"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <input
          type="search"
          value={query}
          placeholder={text('searchPlaceholder')}
          aria-label={text('search')}
          data-testid="knowledge-query"
          onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
        />
        <button type="submit" data-testid="knowledge-search">
          {text('search')}
        </button>
        {results && (
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setQuery('');
              setResults(null);
            }}
          >
            {text('clear')}
          </button>
        )}
        <select
          value={category}
          aria-label={text('category')}
          onChange={(e) => setCategory((e.target as HTMLSelectElement).value)}
        >
          <option value="">{text('allCategories')}</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <label>
          <input
            type="checkbox"
            checked={dueOnly}
            data-testid="knowledge-due"
            onChange={(e) => setDueOnly((e.target as HTMLInputElement).checked)}
          />{' '}
          {text('reviewDue')}
        </label>
        {mayEdit && (
          <button type="button" data-testid="knowledge-new" onClick={() => setEditing('new')}>
            {text('newArticle')}
          </button>
        )}
      </form>
      {error && <p class="error">{error}</p>}
      <div class="knowledge-layout">
        <ul class="knowledge-list" data-testid="knowledge-list">
          {shown.length === 0 && <li class="hint">{text('noArticles')}</li>}
          {shown.map((a) => (
            <li key={a.id}>
              <button
                type="button"
                class={selected?.id === a.id ? 'active' : ''}
                onClick={() => {
                  setSelected(a);
                  setEditing(null);
                }}
              >
                {a.title}
                <small>
                  {a.category}
                  {a.reviewDue <= cityToday() ? ` · ${text('overdueReview')}` : ''}
                </small>
              </button>
            </li>
          ))}
        </ul>
        <div>
          {editing !== null ? (
            <ArticleForm
              article={editing === 'new' ? null : editing}
              onSaved={(saved) => {
                setEditing(null);
                setSelected(saved);
                setResults(null);
                void loadList();
              }}
              onCancel={() => setEditing(null)}
            />
          ) : (
            selected && <ArticleView article={selected} mayEdit={mayEdit} onEdit={() => setEditing(selected)} />
          )}
        </div>
      </div>
    </section>
  );
}

function ArticleView({ article, mayEdit, onEdit }: { article: Article; mayEdit: boolean; onEdit(): void }) {
  const text = useKnowledgeText();
  const { name, date } = useI18n();
  const { bodyById } = useReference();
  const owner = bodyById.get(article.ownerBodyId);
  const [history, setHistory] = useState<ArticleVersion[] | null>(null);
  useEffect(() => setHistory(null), [article.id, article.version]);
  // Said in words: "… – 长期有效" read as a gap in the data when an answer has no dates.
  const validity = ({ validFrom, validUntil }: Article) =>
    validFrom && validUntil
      ? `${validFrom} – ${validUntil}`
      : validFrom
        ? text('validSince', { date: validFrom })
        : validUntil
          ? text('validTill', { date: validUntil })
          : text('always');

  return (
    <article class="knowledge-article" data-testid="knowledge-article">
      <h2>{article.title}</h2>
      <p class="hint">
        {article.category} · {owner ? name(owner) : article.ownerBodyId} · {text('version', { n: article.version })} ·{' '}
        {article.public ? text('public') : text('internal')}
      </p>
      <p class="answer">{article.body}</p>
      <dl>
        <dt>{text('validity')}</dt>
        <dd>{validity(article)}</dd>
        <dt>{text('reviewBy')}</dt>
        <dd class={article.reviewDue <= cityToday() ? 'due' : ''}>
          {article.reviewDue}
          {article.reviewDue <= cityToday() ? ` (${text('overdueReview')})` : ''}
        </dd>
        {article.sources.length > 0 && (
          <>
            <dt>{text('sourcesHeading')}</dt>
            <dd>
              <ul>
                {article.sources.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
      <div class="form-buttons">
        {mayEdit && (
          <button type="button" data-testid="knowledge-edit" onClick={onEdit}>
            {text('edit')}
          </button>
        )}
        <button
          type="button"
          class="secondary"
          data-testid="knowledge-history"
          onClick={() =>
            void api<{ items: ArticleVersion[] }>(`/knowledge/articles/${article.id}/history`).then(({ items }) =>
              setHistory(items),
            )
          }
        >
          {text('history')}
        </button>
      </div>
      {history && (
        <ol class="knowledge-history" data-testid="knowledge-versions">
          {history.map((v) => (
            <li key={v.version}>
              <details>
                <summary>
                  {text('version', { n: v.version })} · {date(v.createdAt)}
                  {v.changeNote ? ` · ${v.changeNote}` : ''}
                </summary>
                <p class="answer">{v.body}</p>
              </details>
            </li>
          ))}
        </ol>
      )}
    </article>
  );
}

/** Writes a new article, or the next version of one (409 if someone saved a version since it was read). */
function ArticleForm({
  article,
  onSaved,
  onCancel,
}: {
  article: Article | null;
  onSaved(article: Article): void;
  onCancel(): void;
}) {
  const text = useKnowledgeText();
  const [ownerBodyId, setOwnerBodyId] = useState(article?.ownerBodyId ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (form: HTMLFormElement) => {
    const data = new FormData(form);
    const field = (key: string) => String(data.get(key) ?? '').trim();
    const body: Record<string, unknown> = {
      title: field('title'),
      body: field('body'),
      category: field('category'),
      ownerBodyId,
      public: data.get('public') === 'on',
      validFrom: field('validFrom') || null,
      validUntil: field('validUntil') || null,
      reviewDue: field('reviewDue'),
      sources: field('sources')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
    };
    if (article) Object.assign(body, { version: article.version, changeNote: field('changeNote') || undefined });
    setBusy(true);
    try {
      onSaved(
        await api<Article>(article ? `/knowledge/articles/${article.id}` : '/knowledge/articles', {
          method: article ? 'PUT' : 'POST',
          body,
        }),
      );
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="knowledge-form"
      data-testid="knowledge-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save(e.target as HTMLFormElement);
      }}
    >
      <h2>{article ? `${text('edit')} · ${text('version', { n: article.version + 1 })}` : text('newArticle')}</h2>
      <label>
        {text('articleTitle')}
        <input name="title" required minLength={2} maxLength={200} value={article?.title} />
      </label>
      <label>
        {text('articleBody')}
        <textarea name="body" required rows={10} maxLength={20000} value={article?.body} />
      </label>
      <label>
        {text('category')}
        <input name="category" required maxLength={50} value={article?.category} />
      </label>
      <label for="knowledge-owner">
        {text('owner')}
        <BodySelect
          id="knowledge-owner"
          value={ownerBodyId}
          onChange={setOwnerBodyId}
          required
          testId="knowledge-owner"
        />
      </label>
      <label>
        {text('validFrom')}
        <input type="date" name="validFrom" value={article?.validFrom ?? ''} />
      </label>
      <label>
        {text('validUntil')}
        <input type="date" name="validUntil" value={article?.validUntil ?? ''} />
      </label>
      <label>
        {text('reviewBy')}
        <input type="date" name="reviewDue" required value={article?.reviewDue} />
      </label>
      <label>
        <input type="checkbox" name="public" checked={article?.public ?? true} /> {text('public')}
      </label>
      <label>
        {text('sources')}
        <textarea name="sources" rows={3} value={article?.sources.join('\n')} />
      </label>
      {article && (
        <label>
          {text('changeNote')}
          <input name="changeNote" maxLength={500} data-testid="knowledge-change-note" />
        </label>
      )}
      {error && <p class="error">{error}</p>}
      <div class="form-buttons">
        <button type="submit" disabled={busy} data-testid="knowledge-save">
          {text('save')}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {text('cancel')}
        </button>
      </div>
    </form>
  );
}
