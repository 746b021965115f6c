import { useEffect, useMemo } from 'preact/hooks';

/** Object URLs to preview photos chosen on this device, released when the photos change or the form goes. */
export function usePreviewUrls(photos: readonly Blob[]): string[] {
  const previews = useMemo(() => photos.map((p) => URL.createObjectURL(p)), [photos]);
  useEffect(
    () => () => {
      for (const url of previews) URL.revokeObjectURL(url);
    },
    [previews],
  );
  return previews;
}
