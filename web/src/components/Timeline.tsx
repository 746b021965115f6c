import type { CaseEvent, Deadline, MediaItem } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { BodyName, BodyNames } from './BodyName.tsx';
import { CaseLink } from './CaseLink.tsx';
import { StepPhotos } from './CaseMedia.tsx';

/**
 * Whether an extension asked for at `at` counts working days or 24-hour days: the measure of the handling
 * deadline running then (urgent cases run on the wall clock). Working days when none is found.
 */
function extensionMeasure(deadlines: readonly Deadline[], at: string): Deadline['measure'] {
  const time = Date.parse(at);
  const running = deadlines.find(
    (d) =>
      d.kind === 'handling' &&
      Date.parse(d.startedAt) <= time &&
      (d.stoppedAt === null || Date.parse(d.stoppedAt) >= time),
  );
  return running?.measure ?? 'working';
}

/** A case's history (办理过程): each action, who took it, and what it carried (body, override, 协办, merge, days). */
export function Timeline({
  events,
  deadlines,
  media = [],
}: {
  events: readonly CaseEvent[];
  deadlines: readonly Deadline[];
  /** Photos, shown under the step they were filed with. */
  media?: readonly MediaItem[];
}) {
  const { t, term, date } = useI18n();
  return (
    <ol class="timeline" data-testid="timeline">
      {events.map((e) => (
        <li key={e.seq} data-action={e.action} data-seq={e.seq}>
          <span class="when">{date(e.createdAt)}</span>
          <strong>{term(e.action)}</strong>
          {e.extensionDays !== null && (
            <span class="detail" data-testid="event-extension-days" data-days={e.extensionDays}>
              {t(
                extensionMeasure(deadlines, e.createdAt) === 'wall' ? 'eventExtensionWall' : 'eventExtensionDays',
              ).replace('{n}', String(e.extensionDays))}
            </span>
          )}
          {e.fromStatus && (
            <span class="transition">
              {term(e.fromStatus)} → {term(e.toStatus)}
            </span>
          )}
          <span class="who">
            {term(e.actorRole)}
            {e.actorName ? ` · ${e.actorName}` : ''}
          </span>
          {e.bodyId && (
            <span class="body" data-testid="event-body">
              → <BodyName id={e.bodyId} />
              {e.overridden === true && (
                <span class="overridden" data-testid="event-overridden">
                  {t('eventOverridden')}
                </span>
              )}
            </span>
          )}
          {e.assistingBodyIds.length > 0 && (
            <span class="body" data-testid="event-assisting">
              {t('eventAssisting')}
              <BodyNames ids={e.assistingBodyIds} />
            </span>
          )}
          {e.parentCaseNumber && (
            <span class="body" data-testid="event-parent-case">
              {t('eventMergedInto')} <CaseLink caseNumber={e.parentCaseNumber} />
            </span>
          )}
          {e.reviewDate && <span class="body">{`${t('reviewDate')}: ${e.reviewDate}`}</span>}
          {e.note && <p class="note">{e.note}</p>}
          <StepPhotos items={media.filter((m) => m.eventSeq === e.seq)} />
        </li>
      ))}
    </ol>
  );
}
