import { usePatrol } from '../context.ts';
import { useWords } from '../messages.ts';
import { queueChanged } from '../sender.ts';
import { type QueueItem, removeQueueItems } from '../store.ts';

/** 待发送: what waits (in the order it goes), what the server refused and why, and what was sent. */
export function Outbox() {
  const { items, online, sending, lastOutcome, sendNow } = usePatrol();
  const { w } = useWords();
  const waiting = items.filter((i) => i.state === 'waiting');
  const refused = items.filter((i) => i.state === 'refused').reverse();
  const sent = items.filter((i) => i.state === 'sent').reverse();

  const forget = async (list: QueueItem[]) => {
    await removeQueueItems(list.map((i) => i.id));
    queueChanged();
  };

  const status = !online ? 'offline' : lastOutcome;
  return (
    <section class="p-screen" data-testid="outbox">
      <h1 class="p-h1">{w('queueTitle')}</h1>
      <div class="p-counts">
        <span class="p-count waiting">
          <strong class="p-count-n" data-testid="count-waiting">
            {waiting.length}
          </strong>{' '}
          {w('waiting')}
        </span>
        <span class="p-count refused">
          <strong class="p-count-n" data-testid="count-refused">
            {refused.length}
          </strong>{' '}
          {w('refused')}
        </span>
        <span class="p-count sent">
          <strong class="p-count-n" data-testid="count-sent">
            {sent.length}
          </strong>{' '}
          {w('sent')}
        </span>
      </div>
      <p class="p-row">
        <span class="p-hint" data-testid="send-outcome">
          {status ? w(`outcome_${status}`) : ''}
        </span>
        <button
          type="button"
          class="p-button small"
          disabled={sending || !online || waiting.length === 0}
          onClick={() => void sendNow()}
          data-testid="send-now"
        >
          {sending ? w('sending') : w('sendNow')}
        </button>
      </p>
      {items.length === 0 && <p class="p-hint">{w('queueEmpty')}</p>}
      {waiting.length > 0 && (
        <>
          <h2 class="p-h2">{w('waiting')}</h2>
          <ol class="p-list p-queue" data-testid="waiting-list">
            {waiting.map((item) => (
              <Row key={item.id} item={item} />
            ))}
          </ol>
        </>
      )}
      {refused.length > 0 && (
        <>
          <h2 class="p-h2">
            {w('refused')}{' '}
            <button type="button" class="p-link dark small" onClick={() => void forget(refused)}>
              {w('dismiss')}
            </button>
          </h2>
          <ul class="p-list p-queue" data-testid="refused-list">
            {refused.map((item) => (
              <Row key={item.id} item={item} />
            ))}
          </ul>
        </>
      )}
      {sent.length > 0 && (
        <>
          <h2 class="p-h2">
            {w('sent')}{' '}
            <button type="button" class="p-link dark small" onClick={() => void forget(sent)}>
              {w('clearSent')}
            </button>
          </h2>
          <ul class="p-list p-queue" data-testid="sent-list">
            {sent.map((item) => (
              <Row key={item.id} item={item} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Row({ item }: { item: QueueItem }) {
  const { w, time, refusal } = useWords();
  const { payload } = item;
  const what =
    payload.kind === 'report'
      ? w('kind_report')
      : payload.kind === 'media'
        ? w(payload.stage === 'report' ? 'kind_media_report' : 'kind_media_verification', {
            n: payload.photoCount,
          })
        : payload.kind === 'action'
          ? w(payload.action === 'verify_pass' ? 'kind_verify_pass' : 'kind_verify_fail')
          : payload.kind === 'points'
            ? w('kind_points', { n: payload.points.length })
            : w(payload.kind === 'patrol' ? 'kind_patrol' : 'kind_patrol_end');
  return (
    <li
      class={`p-queue-item ${item.state}`}
      data-testid="queue-item"
      data-state={item.state}
      data-kind={item.kind}
      data-case={item.caseNumber ?? ''}
      data-label={item.label}
    >
      <span class="p-queue-head">
        <span class="p-queue-kind">{what}</span>
        {item.caseNumber && <span class="p-case-number">{item.caseNumber}</span>}
        <span class="p-muted">{time(item.sentAt ?? item.createdAt)}</span>
      </span>
      {item.label && <span class="p-queue-label">{item.label}</span>}
      {item.state === 'refused' && (
        <span class="p-reason" data-testid="refusal">
          {item.refusedWithDependency
            ? w('refusedWithDependency', { reason: refusal(item.reason ?? '') })
            : w('refusedReason', { reason: refusal(item.reason ?? '') })}
        </span>
      )}
      {item.state === 'sent' && item.reason && <span class="p-muted">{item.reason}</span>}
      {item.replayed && <span class="p-muted">{w('replayed')}</span>}
    </li>
  );
}
