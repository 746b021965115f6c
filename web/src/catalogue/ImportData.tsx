import { useEffect, useState } from 'preact/hooks';
import { api, download, errorText } from '../api.ts';
import type { Answer } from '../api-shapes.ts';
import { useI18n } from '../i18n.ts';
import { linkTo } from '../router.ts';
import { type ImportTextKey, useImportText, useReasonWords } from './import-text.ts';
import './catalogue.css';

type ImportState = Answer<'/catalogue/imports/{id}'>;

const SOURCES = ['nyc311', 'sf311', 'la311', 'teddycup'] as const;
const POLL_MS = 1000;

/** Counts by reason, most first. */
function Reasons({ title, counts }: { title: string; counts: Record<string, number> }) {
  const text = useImportText();
  const reasonWords = useReasonWords();
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (!entries.length) return null;
  return (
    <>
      <h3>{title}</h3>
      <ul class="reasons">
        {entries.map(([reason, n]) => (
          <li key={reason}>
            {reasonWords(reason)}: {text('rows', { n })}
          </li>
        ))}
      </ul>
    </>
  );
}

/** 数据导入: upload a file, then follow its import to the end; what was rejected, and why, is one click away. */
export function ImportData() {
  const text = useImportText();
  const { number } = useI18n();
  const [kind, setKind] = useState<'history' | 'reference'>('history');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [state, setState] = useState<ImportState | null>(null);

  // While the import runs, its counts are read again every second.
  useEffect(() => {
    if (state?.status !== 'running') return;
    const timer = setTimeout(() => {
      api<ImportState>(`/catalogue/imports/${state.id}`)
        .then(setState)
        .catch((e) => setError(errorText(e)));
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [state]);

  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const file = form.get('file');
    if (!(file instanceof File) || !file.name) {
      setError(text('chooseFile'));
      return;
    }
    // The fields go first: the server checks them before it reads the file.
    const body = new FormData();
    for (const name of kind === 'history' ? ['source'] : ['dataset', 'title', 'key']) {
      const value = String(form.get(name) ?? '').trim();
      if (value) body.append(name, value);
    }
    body.append('file', file);
    setBusy(true);
    setError(null);
    setState(null);
    api<ImportState>('/catalogue/imports', { method: 'POST', body })
      .then(setState)
      .catch((e) => setError(errorText(e)))
      .finally(() => setBusy(false));
  };

  const counts: [ImportTextKey, number][] = state
    ? [
        ['read', state.rowsRead],
        ['imported', state.rowsImported],
        ['unchanged', state.rowsUnchanged],
        ['rejected', state.rowsRejected],
        ['unplaced', state.rowsUnplaced],
      ]
    : [];
  return (
    <section class="catalogue import-data" data-testid="import-data">
      <h1>{text('title')}</h1>
      <p class="hint">{text('intro')}</p>
      <form onSubmit={submit} class="import-form">
        <fieldset>
          <legend>{text('what')}</legend>
          {(['history', 'reference'] as const).map((k) => (
            <label key={k} class="choice">
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} /> {text(k)}
            </label>
          ))}
        </fieldset>
        {kind === 'history' ? (
          <label>
            {text('source')}
            <select name="source">
              {SOURCES.map((s) => (
                <option key={s} value={s}>
                  {text(s)}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <>
            <label>
              {text('dataset')}
              <input name="dataset" required pattern="[a-z0-9][a-z0-9_\-]{1,99}" autocomplete="off" />
            </label>
            <label>
              {text('datasetTitle')}
              <input name="title" autocomplete="off" />
            </label>
            <label>
              {text('key')}
              <input name="key" autocomplete="off" />
            </label>
          </>
        )}
        <label>
          {text('file')}
          <input type="file" name="file" accept=".csv,.tsv,.txt,.xlsx,.json,.ndjson,.jsonl,.geojson,.topojson" />
        </label>
        <button type="submit" disabled={busy || state?.status === 'running'}>
          {busy ? text('starting') : text('start')}
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {state && (
        <div class="import-state" data-testid="import-state" data-status={state.status} aria-live="polite">
          <h2>
            {state.status === 'running'
              ? text('running', { read: number(state.rowsRead, 0) })
              : state.status === 'completed'
                ? text('completed')
                : text('failed', { error: state.error ?? '' })}
          </h2>
          <p class="slug">
            {state.fileName} · {state.format}
            {state.encoding ? ` · ${state.encoding}` : ''}
          </p>
          <dl class="facts">
            {counts.map(([key, n]) => (
              <>
                <dt>{text(key)}</dt>
                <dd data-count={key}>{number(n, 0)}</dd>
              </>
            ))}
          </dl>
          <Reasons title={text('rejectedWhy')} counts={state.rejectedByReason} />
          <Reasons title={text('unplacedWhy')} counts={state.unplacedByReason} />
          {state.status !== 'running' && (
            <p class="actions">
              {state.rowsRejected > 0 && (
                <button
                  type="button"
                  onClick={() =>
                    download(`/catalogue/imports/${state.id}/rejected.csv`, 'rejected.csv').catch((e) =>
                      setError(errorText(e)),
                    )
                  }
                >
                  {text('downloadRejected')}
                </button>
              )}{' '}
              <a {...linkTo(`/catalogue/${state.dataset}`)}>{text('openDataset')}</a>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
