import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type MediaItem } from '../api.ts';
import type { Answer } from '../api-shapes.ts';
import { useI18n } from '../i18n.ts';

type Display = Answer<'/cases/{caseNumber}/public-display'>;

/**
 * The desk's moderation of what the public portal shows of a case: its words (hidden or shown, with a
 * reason the public reads) and each photo (approved, or kept private with a reason). Nothing here changes
 * what staff and the reporter see.
 */
export function PublicDisplay({
  caseNumber,
  version,
  photos,
  reloadPhotos,
}: {
  caseNumber: string;
  version: number;
  photos: MediaItem[];
  reloadPhotos(): void;
}) {
  const { t } = useI18n();
  const [display, setDisplay] = useState<Display | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<Display>(`/cases/${caseNumber}/public-display`)
      .then(setDisplay)
      .catch((e) => setError(errorText(e)));
  }, [caseNumber, version]);

  const run = async (work: () => Promise<void>) => {
    if (!reason.trim()) return setError(t('publicReasonNeeded'));
    setBusy(true);
    setError(null);
    try {
      await work();
      setReason('');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const moderateText = (shown: boolean) =>
    run(async () =>
      setDisplay(
        await api<Display>(`/cases/${caseNumber}/public-display/text`, {
          method: 'PUT',
          body: { shown, reason: reason.trim() },
        }),
      ),
    );

  const moderatePhoto = (id: string, publication: 'approved' | 'hidden') =>
    run(async () => {
      await api(`/media/${id}/publication`, { method: 'POST', body: { publication, reason: reason.trim() } });
      reloadPhotos();
    });

  if (!display) return error ? <p class="error">{error}</p> : null;
  const shownPhotos = photos.filter((p) => p.thumbnailUrl);
  return (
    <section class="public-display" data-testid="public-display" data-published={String(display.published)}>
      <h2>{t('publicDisplay')}</h2>
      <p>
        {display.published ? t('publicDisplayShown') : t('publicDisplayNotShown')}{' '}
        {display.published && (
          <a href={`/portal/cases/${caseNumber}`} target="_blank" rel="noopener">
            {t('publicDisplayOpen')}
          </a>
        )}
      </p>
      <p data-testid="public-text-state" data-hidden={String(display.textHiddenReason !== null)}>
        {display.textHiddenReason === null
          ? t('publicTextShown')
          : t('publicTextHidden').replace('{reason}', display.textHiddenReason)}
      </p>
      <label class="field">
        <span>{t('publicReason')}</span>
        <input
          value={reason}
          maxLength={500}
          onInput={(e) => setReason((e.target as HTMLInputElement).value)}
          data-testid="public-reason"
        />
      </label>
      <p>
        {display.textHiddenReason === null ? (
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() => moderateText(false)}
            data-testid="public-text-hide"
          >
            {t('publicTextHide')}
          </button>
        ) : (
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() => moderateText(true)}
            data-testid="public-text-show"
          >
            {t('publicTextShow')}
          </button>
        )}
      </p>
      {shownPhotos.length > 0 && (
        <>
          <h3>{t('publicPhotos')}</h3>
          <ul class="public-photos">
            {shownPhotos.map((photo) => (
              <li key={photo.id} class="public-photo" data-testid="public-photo" data-publication={photo.publication}>
                <img src={photo.thumbnailUrl!} alt={t(`stage_${photo.stage}`)} height={64} loading="lazy" />
                <span>
                  {photo.publication === 'approved'
                    ? t('publicPhotoApproved')
                    : photo.publication === 'hidden'
                      ? t('publicPhotoHidden').replace('{reason}', photo.moderationReason ?? '')
                      : t('publicPhotoPending')}
                </span>
                <button
                  type="button"
                  class="small"
                  disabled={busy || photo.publication === 'approved'}
                  onClick={() => moderatePhoto(photo.id, 'approved')}
                  data-testid="public-photo-approve"
                >
                  {t('publicPhotoApprove')}
                </button>
                <button
                  type="button"
                  class="small secondary"
                  disabled={busy || photo.publication === 'hidden'}
                  onClick={() => moderatePhoto(photo.id, 'hidden')}
                  data-testid="public-photo-hide"
                >
                  {t('publicPhotoHide')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
