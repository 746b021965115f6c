import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, type CaseDetail, errorText } from '../../api.ts';
import type { Answer } from '../../api-shapes.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { useCaseChanges } from '../../live.ts';
import { linkTo } from '../../router.ts';
import { FollowButton } from '../components/FollowButton.tsx';
import { MeTooButton } from '../components/MeTooButton.tsx';
import { Rating } from '../components/Rating.tsx';
import { useSession } from '../context.ts';
import { usePortalWords } from '../messages.ts';
import { usePortalReference } from '../reference.ts';

type PublicDetail = Answer<'/public/cases/{caseNumber}'>;
type Step = { action: string; at: string; reply: string | null };

/** The public steps of the reporter's own case, from what the reporter may read of it. */
function ownSteps(detail: CaseDetail, publicSteps: ReadonlySet<string>): Step[] {
  const withReply = new Set(['handle', 'answer', 'note']);
  return detail.events
    .filter((e) => publicSteps.has(e.action))
    .map((e) => ({ action: e.action, at: e.createdAt, reply: withReply.has(e.action) ? e.note : null }));
}

/**
 * A case by its number, without signing in: its public steps, the handling body's answers and approved
 * photos, never who reported it. The reporter, signed in, also sees their own unpublished case and rates
 * the result once it is closed. The page follows the case live while it is open.
 */
export function Track({ caseNumber }: { caseNumber: string }) {
  const { w, term, date, name } = usePortalWords();
  const { me } = useSession();
  const { reference } = usePortalReference();
  const [shown, setShown] = useState<PublicDetail | null>(null);
  const [own, setOwn] = useState<CaseDetail | null>(null);
  const [state, setState] = useState<'loading' | 'found' | 'missing' | 'failed'>('loading');
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let gone = false;
    const load = async () => {
      const [published, mine] = await Promise.all([
        api<PublicDetail>(`/public/cases/${caseNumber}`).catch((e) =>
          e instanceof ApiError && e.status === 404 ? null : Promise.reject(e),
        ),
        me ? api<CaseDetail>(`/cases/${caseNumber}`).catch(() => null) : Promise.resolve(null),
      ]);
      if (gone) return;
      setShown(published);
      setOwn(mine);
      setState(published || mine ? 'found' : 'missing');
    };
    load().catch((e) => {
      if (gone) return;
      setError(errorText(e));
      setState('failed');
    });
    return () => {
      gone = true;
    };
  }, [caseNumber, me?.userId, version]);

  // Live: the reporter's own stream (their cases' steps), or anyone's stream of this published case.
  useCaseChanges(
    (change) => {
      if (!change || change.caseNumber === caseNumber) setVersion((v) => v + 1);
    },
    state === 'found' && (own !== null || shown !== null),
    own ? '/api/v1/cases/changes' : `/api/v1/public/cases/${caseNumber}/changes`,
  );

  if (state === 'loading') return <p>{w('loading')}</p>;
  if (state === 'failed') {
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  }
  if (state === 'missing') {
    return (
      <section>
        <h1>{w('caseTitle', { n: caseNumber })}</h1>
        <p data-testid="track-missing">{w('caseNotFound', { n: caseNumber })}</p>
        <a {...linkTo('/portal/')}>{w('back')}</a>
      </section>
    );
  }

  const hiddenReason = own ? null : shown!.textHiddenReason;
  const title = own?.title ?? (hiddenReason === null ? shown!.title : w('textHidden', { reason: hiddenReason }));
  const status = own?.status ?? shown!.status;
  const category = shown?.category ?? (own ? reference?.categoryByCode.get(own.category.code) : undefined);
  const steps: Step[] = own ? ownSteps(own, reference?.publicSteps ?? new Set()) : shown!.steps;
  const createdAt = own?.createdAt ?? shown!.createdAt;
  const closedAt = own?.closedAt ?? shown?.closedAt ?? null;
  return (
    <article class="track" data-testid="track" data-status={status} aria-labelledby="track-title">
      <p class="case-number">{w('caseTitle', { n: caseNumber })}</p>
      <h1 id="track-title" data-testid="track-title">
        {title}
      </h1>
      <p class="case-card-meta">
        <StatusBadge status={status} /> {category && <span>{name(category)}</span>} ·{' '}
        <span>{w('reportedAt', { date: date(createdAt) })}</span>
        {closedAt && <span> · {w('closedAt', { date: date(closedAt) })}</span>}
        {shown && shown.meTooCount > 0 && <span> · {w('meTooCount', { n: shown.meTooCount })}</span>}
      </p>
      {shown && !own && hiddenReason === null && <p class="description">{shown.description}</p>}
      {own && <p class="description">{own.description}</p>}
      {status !== 'closed' && (
        <p class="actions">
          {shown && !own && <MeTooButton caseNumber={caseNumber} />}
          {/* The reporter hears of every step already. */}
          {!own && <FollowButton target={{ caseNumber }} label={w('followCase')} testId="follow-case" />}
        </p>
      )}

      {own?.mayAnswerSurvey && <Rating caseNumber={caseNumber} onRated={() => setVersion((v) => v + 1)} />}
      {own && !own.mayAnswerSurvey && own.surveys.length > 0 && (
        <p role="status" class="rated" data-testid="rated">
          {w('ratedAs', { level: term(own.surveys.at(-1)!.satisfaction) })}
        </p>
      )}

      <section aria-labelledby="steps-title">
        <h2 id="steps-title">{w('steps')}</h2>
        <ol class="steps" data-testid="track-steps">
          {steps.map((step, i) => (
            <li key={i} class="step" data-action={step.action}>
              <span class="step-name">{term(step.action)}</span>
              <time dateTime={step.at}>{date(step.at)}</time>
              {step.reply && <p class="step-reply">{w('reply', { text: step.reply })}</p>}
            </li>
          ))}
        </ol>
      </section>

      {shown && shown.photos.length > 0 && (
        <section aria-labelledby="photos-title">
          <h2 id="photos-title">{w('photos')}</h2>
          <ul class="thumbs">
            {shown.photos.map((photo, i) => (
              <li key={photo.id} class="thumb">
                <a href={photo.url}>
                  <img src={photo.thumbnailUrl ?? photo.url} alt={`${w('photos')} ${i + 1} (${term(photo.stage)})`} />
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {shown && shown.hiddenPhotos.length > 0 && (
        <ul class="hidden-photos" data-testid="hidden-photos">
          {shown.hiddenPhotos.map((photo, i) => (
            <li key={i}>{w('photoHidden', { reason: photo.reason })}</li>
          ))}
        </ul>
      )}
      {shown?.gridCode && (
        <p class="feeds">
          <a href={`/api/v1/public/feeds/cases.rss?area=${shown.gridCode.slice(0, 9)}`}>{w('followFeed')}</a>
        </p>
      )}
    </article>
  );
}
