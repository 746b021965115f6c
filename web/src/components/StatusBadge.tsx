import { useI18n } from '../i18n.ts';

export function StatusBadge({ status }: { status: string }) {
  const { term } = useI18n();
  return (
    <span class={`status status-${status}`} data-status={status}>
      {term(status)}
    </span>
  );
}
