import { useEffect, useState } from 'preact/hooks';
import {
  api,
  type CaseDetail,
  errorText,
  type Me,
  type MediaFlag,
  type MediaItem,
  type MediaStage,
  uploadMedia,
} from '../api.ts';
import { type MessageKey, useI18n } from '../i18n.ts';

const STAGES: readonly MediaStage[] = ['report', 'before', 'after', 'verification', 'citizen'];
const REPORT_PHOTO_STATUSES = ['reported', 'registered', 'dispatched'];

/** The stages the user may add photos at now: those of the steps they may take (the server decides). */
function stagesOpenTo(detail: CaseDetail, me: Me): MediaStage[] {
  const open: MediaStage[] = [];
  if (REPORT_PHOTO_STATUSES.includes(detail.status) && me.role !== 'handler') open.push('report');
  if (detail.allowedActions.includes('handle')) open.push('before', 'after');
  if (detail.allowedActions.includes('verify_pass')) open.push('verification');
  if (detail.allowedActions.includes('reopen')) open.push('citizen');
  return open;
}

export function flagText(flag: MediaFlag, t: (key: MessageKey) => string): string {
  switch (flag.kind) {
    case 'far_from_case':
      return t('mediaFlagFar').replace('{km}', (flag.distanceMetres / 1000).toFixed(1));
    case 'taken_before_report':
      return t('mediaFlagOld').replace('{hours}', String(flag.hoursBefore));
    case 'reused':
      return flag.caseNumber ? t('mediaFlagReused').replace('{case}', flag.caseNumber) : t('mediaFlagReusedElsewhere');
  }
}

function Thumbnail({ item, onOpen }: { item: MediaItem; onOpen: () => void }) {
  const { t } = useI18n();
  const flagged = item.flags.length > 0;
  return (
    <figure class={`media-thumb${flagged ? ' flagged' : ''}`} data-testid="media-thumb" data-stage={item.stage}>
      {item.thumbnailUrl ? (
        <button type="button" class="media-open" onClick={onOpen} aria-label={t(`stage_${item.stage}`)}>
          <img src={item.thumbnailUrl} alt={t(`stage_${item.stage}`)} loading="lazy" width={160} />
        </button>
      ) : (
        <a href={item.url} class="media-document" download>
          {t('mediaDocument')}
        </a>
      )}
      {flagged && (
        <figcaption class="media-flags" data-testid="media-flags">
          {item.flags.map((flag) => (
            <span key={flag.kind} class="flag" data-flag={flag.kind}>
              ⚠ {flagText(flag, t)}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}

/** A photo at full size, with its evidence and flags; arrows and Escape work. */
function Viewer({ items, index, onClose }: { items: MediaItem[]; index: number; onClose: () => void }) {
  const { t, date } = useI18n();
  const [at, setAt] = useState(index);
  const item = items[at]!;
  useEffect(() => {
    const keys = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
      if (event.key === 'ArrowRight') setAt((i) => Math.min(items.length - 1, i + 1));
      if (event.key === 'ArrowLeft') setAt((i) => Math.max(0, i - 1));
    };
    window.addEventListener('keydown', keys);
    return () => window.removeEventListener('keydown', keys);
  }, [items.length]);
  return (
    <div class="media-viewer" role="dialog" aria-modal="true" data-testid="media-viewer">
      <div class="media-viewer-bar">
        <strong>
          {t(`stage_${item.stage}`)} · {at + 1}/{items.length}
        </strong>
        <button type="button" onClick={() => setAt(Math.max(0, at - 1))} disabled={at === 0}>
          ← {t('mediaPrevious')}
        </button>
        <button
          type="button"
          onClick={() => setAt(Math.min(items.length - 1, at + 1))}
          disabled={at === items.length - 1}
        >
          {t('mediaNext')} →
        </button>
        <button type="button" onClick={onClose}>
          {t('mediaClose')}
        </button>
      </div>
      <img src={item.url} alt={t(`stage_${item.stage}`)} />
      <p class="media-evidence">
        {item.evidence?.takenAt && `${t('mediaTakenAt')} ${date(item.evidence.takenAt)}`}
        {item.evidence?.longitude != null &&
          ` · ${t('mediaTakenWhere')} ${item.evidence.longitude.toFixed(5)}, ${item.evidence.latitude?.toFixed(5)}`}
        {item.flags.map((flag) => (
          <span key={flag.kind} class="flag">
            {' '}
            ⚠ {flagText(flag, t)}
          </span>
        ))}
      </p>
    </div>
  );
}

/** A case's photos and documents, reloaded with every change of the case (a step files its photos). */
export function useCaseMedia(caseNumber: string, version: number) {
  const [items, setItems] = useState<MediaItem[]>([]);
  const reload = () =>
    api<{ items: MediaItem[] }>(`/cases/${caseNumber}/media`)
      .then((answer) => setItems(answer.items))
      .catch(() => setItems([]));
  useEffect(() => {
    void reload();
  }, [caseNumber, version]);
  return { items, reload };
}

/** Small thumbnails of the photos filed under one step of the history. */
export function StepPhotos({ items }: { items: readonly MediaItem[] }) {
  const { t } = useI18n();
  if (!items.length) return null;
  return (
    <span class="step-photos" data-testid="step-photos">
      {items.map((item) =>
        item.thumbnailUrl ? (
          <a key={item.id} href={item.url} target="_blank" rel="noopener">
            <img src={item.thumbnailUrl} alt={t(`stage_${item.stage}`)} loading="lazy" height={48} />
          </a>
        ) : null,
      )}
    </span>
  );
}

/** The photos sent with a report, and why to look twice at them: for the dispatcher's workbench card. */
export function ReportPhotos({ caseNumber }: { caseNumber: string }) {
  const { t } = useI18n();
  const { items } = useCaseMedia(caseNumber, 0);
  const shown = items.filter((item) => item.stage === 'report');
  if (!shown.length) return null;
  const flags = shown.flatMap((item) => item.flags);
  return (
    <div class="report-photos" data-testid="report-photos">
      <StepPhotos items={shown} />
      {flags.map((flag, i) => (
        <span key={`${flag.kind}-${i}`} class="flag" data-flag={flag.kind}>
          ⚠ {flagText(flag, t)}
        </span>
      ))}
    </div>
  );
}

/**
 * A case's photos and documents by stage, before and after side by side while the case awaits its
 * verification, flags where a dispatcher should look twice, and adding photos at the stages open to the user.
 */
export function CaseMedia({
  detail,
  me,
  items,
  reload,
}: {
  detail: CaseDetail;
  me: Me;
  items: MediaItem[];
  reload: () => Promise<void>;
}) {
  const { t } = useI18n();
  const [viewing, setViewing] = useState<{ list: MediaItem[]; index: number } | null>(null);
  const [stage, setStage] = useState<MediaStage | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = stagesOpenTo(detail, me);

  const send = async (event: Event) => {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('files') as HTMLInputElement;
    const chosen = stage ?? open[0];
    if (!chosen || !input.files?.length) return;
    setBusy(true);
    setError(null);
    try {
      await uploadMedia(detail.caseNumber, chosen, [...input.files], crypto.randomUUID());
      input.value = '';
      await reload();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const photos = items.filter((i) => i.thumbnailUrl);
  const byStage = STAGES.map((s) => [s, items.filter((i) => i.stage === s)] as const).filter(([, list]) => list.length);
  const before = items.filter((i) => i.stage === 'before' && i.thumbnailUrl);
  const after = items.filter((i) => i.stage === 'after' && i.thumbnailUrl);
  const show = (item: MediaItem) => setViewing({ list: photos, index: photos.indexOf(item) });

  return (
    <section class="case-media" data-testid="case-media">
      <h2>{t('media')}</h2>
      {detail.status === 'handled' && (before.length > 0 || after.length > 0) && (
        <div class="before-after" data-testid="before-after">
          <h3>{t('mediaBeforeAfter')}</h3>
          {(['before', 'after'] as const).map((s) => (
            <div key={s}>
              <h4>{t(`stage_${s}`)}</h4>
              {(s === 'before' ? before : after).map((item) => (
                <button key={item.id} type="button" class="media-open" onClick={() => show(item)}>
                  <img src={item.url} alt={t(`stage_${s}`)} loading="lazy" />
                </button>
              ))}
            </div>
          ))}
        </div>
      )}
      {byStage.length === 0 && <p class="hint">{t('mediaNone')}</p>}
      {byStage.map(([s, list]) => (
        <div key={s} class="media-stage">
          <h3>{t(`stage_${s}`)}</h3>
          <div class="media-row">
            {list.map((item) => (
              <Thumbnail key={item.id} item={item} onOpen={() => show(item)} />
            ))}
          </div>
        </div>
      ))}
      {open.length > 0 && (
        <form class="media-upload" onSubmit={send} data-testid="media-upload">
          <label>
            {t('mediaStage')}{' '}
            <select value={stage ?? open[0]} onChange={(e) => setStage(e.currentTarget.value as MediaStage)}>
              {open.map((s) => (
                <option key={s} value={s}>
                  {t(`stage_${s}`)}
                </option>
              ))}
            </select>
          </label>
          <input
            type="file"
            name="files"
            accept="image/jpeg,image/png,image/webp,image/avif,application/pdf"
            multiple
          />
          <button type="submit" disabled={busy}>
            {busy ? t('mediaUploading') : t('mediaUpload')}
          </button>
        </form>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {viewing && <Viewer items={viewing.list} index={viewing.index} onClose={() => setViewing(null)} />}
    </section>
  );
}
