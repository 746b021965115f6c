import { usePreviewUrls } from '../../components/photo-previews.ts';
import { useWords } from '../messages.ts';
import { Icon } from './Icon.tsx';

/** The server takes 1–9 files per upload. */
export const MAX_PHOTOS = 9;

/** The phone's camera (or its gallery), several photos, with previews to check and remove them. */
export function PhotoInput({
  photos,
  onChange,
  label,
  testid = 'photos',
}: {
  photos: File[];
  onChange(photos: File[]): void;
  label: string;
  testid?: string;
}) {
  const { w } = useWords();
  const previews = usePreviewUrls(photos);
  return (
    <fieldset class="p-field p-photos" data-testid={testid}>
      <legend>
        {label} {photos.length > 0 && <span class="p-muted">{w('photoCount', { n: photos.length })}</span>}
      </legend>
      <div class="p-thumbs">
        {previews.map((url, i) => (
          <figure key={url} class="p-thumb" data-testid="photo-preview">
            <img src={url} alt="" />
            <button
              type="button"
              class="p-thumb-remove"
              aria-label={w('removePhoto')}
              onClick={() => onChange(photos.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </figure>
        ))}
        {photos.length < MAX_PHOTOS && (
          <label class="p-add-photo">
            <Icon name="camera" size={30} />
            <span>{w('addPhotos')}</span>
            <input
              type="file"
              accept="image/*"
              capture="environment"
              multiple
              data-testid={`${testid}-input`}
              onChange={(event) => {
                const input = event.target as HTMLInputElement;
                const chosen = [...(input.files ?? [])];
                input.value = '';
                onChange([...photos, ...chosen].slice(0, MAX_PHOTOS));
              }}
            />
          </label>
        )}
      </div>
    </fieldset>
  );
}
