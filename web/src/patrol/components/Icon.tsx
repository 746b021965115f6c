/** Line icons drawn inline (the phone may have no emoji font, and the app works offline). */
const PATHS = {
  grid: 'M4 4h16v16H4z M9.33 4v16 M14.67 4v16 M4 9.33h16 M4 14.67h16',
  report: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z M12 8v8 M8 12h8',
  patrol:
    'M12 21s-6.5-5.6-6.5-10.5a6.5 6.5 0 1 1 13 0C18.5 15.4 12 21 12 21z M12 8a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5z',
  outbox: 'M12 15V4 M7.5 8.5L12 4l4.5 4.5 M4 14v6h16v-6',
  camera: 'M4 8h3.5l2-3h5l2 3H20v11H4z M12 10a3.5 3.5 0 1 0 0 7a3.5 3.5 0 1 0 0-7z',
} as const;

export function Icon({ name, size = 24 }: { name: keyof typeof PATHS; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
