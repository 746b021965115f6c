import { useEffect, useState } from 'preact/hooks';
import type { CaseDetail, CaseSummary } from '../../api.ts';
import { navigate } from '../../router.ts';
import { KeptNote, StatusChip } from '../components/bits.tsx';
import { PhotoInput } from '../components/PhotoInput.tsx';
import { usePatrol } from '../context.ts';
import { type Loaded, loadTask, loadTasks } from '../data.ts';
import { useWords } from '../messages.ts';
import { queueChanged } from '../sender.ts';
import { addToQueue, newKey } from '../store.ts';
import { verificationOf } from './MyGrid.tsx';

type Detail = Omit<CaseDetail, 'reporter'>;

/**
 * 核查: a verification task on site. Pass or fail (a failure needs a note), with photos. Queued as the
 * photos (stage 'verification') and then the action, which depends on them: the case must still be
 * awaiting verification when they arrive, else the server refuses both and says why.
 */
export function Verify({ caseNumber }: { caseNumber: string }) {
  const { me, items, notify, sendNow } = usePatrol();
  const { w, t, name, date, term } = useWords();
  const [task, setTask] = useState<CaseSummary | null | undefined>(undefined);
  const [detail, setDetail] = useState<Loaded<Detail> | null>(null);
  const [result, setResult] = useState<'verify_pass' | 'verify_fail'>('verify_pass');
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<File[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    loadTasks(me).then(
      (tasks) => setTask(tasks.value.find((t) => t.caseNumber === caseNumber) ?? null),
      () => setTask(null),
    );
    loadTask(me, caseNumber).then(setDetail, () => setDetail(null));
  }, [me.userId, caseNumber]);

  const queued = verificationOf(items, caseNumber);
  const shown: CaseSummary | Detail | null | undefined = detail?.value ?? task;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (result === 'verify_fail' && !note.trim()) return setError(w('noteRequired'));
    setError(null);
    const createdAt = new Date().toISOString();
    const label = shown?.title ?? caseNumber;
    const action = {
      owner: me.userId,
      kind: 'action' as const,
      key: newKey(),
      payload: { kind: 'action' as const, action: result, note: note.trim() },
      photos: [],
      caseNumber,
      label,
      createdAt,
    };
    await addToQueue(
      photos.length
        ? [
            {
              owner: me.userId,
              kind: 'media',
              key: newKey(),
              payload: { kind: 'media', stage: 'verification', photoCount: photos.length },
              photos,
              dependsOn: null,
              caseNumber,
              label,
              createdAt,
            },
            { ...action, dependsOn: -1 },
          ]
        : [{ ...action, dependsOn: null }],
    );
    queueChanged();
    notify(w('verificationQueued', { caseNumber }));
    navigate('/patrol/');
    void sendNow();
  };

  const handled = detail?.value.events.filter((e) => e.action === 'handle').at(-1);
  return (
    <section class="p-screen" data-testid="verify">
      <p class="p-back">
        <button type="button" class="p-link dark" onClick={() => history.back()}>
          ‹ {w('back')}
        </button>
      </p>
      <h1 class="p-h1">{w('verifyTitle')}</h1>
      {detail?.offline && <KeptNote savedAt={detail.savedAt} />}
      {!detail && task && <p class="p-kept">{w('caseNotKept')}</p>}
      {shown && (
        <article class="p-card" data-testid="task-card">
          <p class="p-task-head">
            <span class="p-case-number">{caseNumber}</span>
            <StatusChip status={shown.status} />
            {shown.priority !== 'normal' && <span class={`p-priority ${shown.priority}`}>{term(shown.priority)}</span>}
          </p>
          <h2 class="p-task-title big">{shown.title}</h2>
          <dl class="p-facts">
            <dt>{w('category')}</dt>
            <dd>{name(shown.category)}</dd>
            {shown.deadline && (
              <>
                <dt>{term(shown.deadline.kind)}</dt>
                <dd class={`p-light ${shown.deadline.light}`}>{w('due', { time: date(shown.deadline.dueAt) })}</dd>
              </>
            )}
            {shown.address && (
              <>
                <dt>{w('address')}</dt>
                <dd>{shown.address}</dd>
              </>
            )}
            {shown.assignedBody && (
              <>
                <dt>{t('body')}</dt>
                <dd>{name(shown.assignedBody)}</dd>
              </>
            )}
          </dl>
          {'description' in shown && shown.description && <p class="p-description">{shown.description}</p>}
          {handled?.note && (
            <p class="p-handled">
              <strong>{w('handlingNote')}</strong> {handled.note}
            </p>
          )}
        </article>
      )}
      {task === null && !queued && <p class="p-hint">{w('notATask')}</p>}
      {queued && (
        <p class={`p-state ${queued.state}`} data-testid="already-queued">
          {queued.state === 'refused'
            ? `${w('taskRefused')}: ${queued.reason ?? ''}`
            : queued.state === 'sent'
              ? w('taskSent')
              : w('alreadyQueued')}
        </p>
      )}
      {(!queued || queued.state === 'refused') && (
        <form class="p-form" onSubmit={submit}>
          <fieldset class="p-field">
            <legend>{w('verifyResult')}</legend>
            <div class="p-segments two">
              {(['verify_pass', 'verify_fail'] as const).map((r) => (
                <button
                  type="button"
                  key={r}
                  class={`p-segment ${r}${result === r ? ' on' : ''}`}
                  aria-pressed={result === r}
                  onClick={() => setResult(r)}
                  data-testid={r}
                >
                  {r === 'verify_pass' ? w('pass') : w('fail')}
                </button>
              ))}
            </div>
          </fieldset>
          <label>
            {w('note')}
            <textarea
              rows={3}
              maxLength={2000}
              value={note}
              required={result === 'verify_fail'}
              placeholder={w('notePlaceholder')}
              onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
              data-testid="verify-note"
            />
          </label>
          <PhotoInput photos={photos} onChange={setPhotos} label={w('verificationPhotos')} testid="verify-photos" />
          {error && (
            <p class="p-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="p-button wide" data-testid="verify-submit">
            {w('submitVerification')}
          </button>
        </form>
      )}
    </section>
  );
}
