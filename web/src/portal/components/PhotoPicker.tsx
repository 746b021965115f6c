import { usePreviewUrls } from '../../components/photo-previews.ts';
import { usePortalWords } from '../messages.ts';

/** The server takes 1–9 files per upload. */
export const MAX_PHOTOS = 9;

/** The phone's camera or gallery, several photos, with previews to check and remove them. */
export function PhotoPicker({ photos, onChange }: { photos: File[]; onChange(photos: File[]): void }) {
  const { w } = usePortalWords();
  const previews = usePreviewUrls(photos);
  return (
    <div class="photo-picker">
      <ul class="thumbs">
        {previews.map((url, i) => (
          <li key={url} class="thumb" data-testid="photo-preview">
            <img src={url} alt={`${i + 1}`} />
            <button
              type="button"
              class="thumb-remove"
              aria-label={w('removePhoto')}
              onClick={() => onChange(photos.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {photos.length < MAX_PHOTOS && (
        <label class="button secondary add-photo">
          {w('addPhotos')}
          <input
            type="file"
            accept="image/*"
            multiple
            class="visually-hidden"
            data-testid="photos-input"
            onChange={(event) => {
              const input = event.target as HTMLInputElement;
              const chosen = [...(input.files ?? [])];
              input.value = '';
              onChange([...photos, ...chosen].slice(0, MAX_PHOTOS));
            }}
          />
        </label>
      )}
      <p class="hint">{w('photosHint')}</p>
    </div>
  );
}
