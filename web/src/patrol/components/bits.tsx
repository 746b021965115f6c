import { STATUS_COLOURS } from '../../map.ts';
import { useWords } from '../messages.ts';

/** A case's status, in the colour the console's map and badges give it. */
export function StatusChip({ status }: { status: string }) {
  const { term } = useWords();
  return (
    <span class="p-status" style={{ background: STATUS_COLOURS[status] ?? '#5f6368' }} data-status={status}>
      {term(status)}
    </span>
  );
}

/** Says that what is shown is the copy kept on the phone, and from when. */
export function KeptNote({ savedAt }: { savedAt: string }) {
  const { w, date } = useWords();
  return (
    <p class="p-kept" data-testid="kept-note">
      {w('keptFrom', { time: date(savedAt) })}
    </p>
  );
}
