import type { CaseAction } from '../cases/index.ts';
import { published } from '../cases/index.ts';
import type { Db } from '../db/database.ts';
import { localDateTime } from '../lib/local-date.ts';
import { maskForPublic } from '../privacy/index.ts';
import { MAX_REQUESTS, windowOf } from './service-requests.ts';

/**
 * The mySociety extension `servicerequestupdates`: the public steps of published cases, as FixMyStreet
 * reads them, with its extended statuses. Internal steps (extensions asked and granted, relocations,
 * reworks) are not updates to the public; a step's words are the loop's own, plus the handling body's
 * reply where the step is one (handled, answered at first contact), masked.
 */
export interface RequestUpdate {
  update_id: string;
  service_request_id: string;
  status: string;
  updated_datetime: string;
  description: string;
  media_url: string | null;
}

const PUBLIC_STEPS: Partial<Record<CaseAction, { status: string; words: string; withReply?: true }>> = {
  register: { status: 'open', words: '已受理立案' },
  dispatch: { status: 'action_scheduled', words: '已派遣至承办单位' },
  accept: { status: 'in_progress', words: '承办单位已签收，正在处理' },
  return: { status: 'open', words: '承办单位退回，待重新派遣' },
  handle: { status: 'fixed', words: '承办单位已处置：', withReply: true },
  verify_pass: { status: 'fixed', words: '现场核查通过' },
  verify_fail: { status: 'in_progress', words: '现场核查未通过，重新处理' },
  close: { status: 'closed', words: '已办结' },
  answer: { status: 'closed', words: '已直接答复并办结：', withReply: true },
  reopen: { status: 'open', words: '已重新办理' },
  suspend: { status: 'investigating', words: '暂缓办理' },
  resume: { status: 'in_progress', words: '恢复办理' },
  merge: { status: 'duplicate', words: '与另一案件合并办理' },
};

export async function findRequestUpdates(
  db: Db,
  window: { start?: Date; end?: Date },
  now: Date,
  timeZone: string,
): Promise<RequestUpdate[]> {
  const { start, end } = windowOf(window, now);
  const rows = await db
    .selectFrom('case_events')
    .innerJoin('cases', 'cases.id', 'case_events.case_id')
    .select([
      'cases.case_number',
      'case_events.seq',
      'case_events.action',
      'case_events.note',
      'case_events.created_at',
    ])
    .where(published)
    .where('case_events.action', 'in', Object.keys(PUBLIC_STEPS) as CaseAction[])
    .where('case_events.created_at', '>=', start)
    .where('case_events.created_at', '<=', end)
    .orderBy('case_events.created_at')
    .orderBy('cases.case_number')
    .orderBy('case_events.seq')
    .limit(MAX_REQUESTS)
    .execute();
  return rows.map((row) => {
    const step = PUBLIC_STEPS[row.action]!;
    const reply = step.withReply && row.note ? maskForPublic(row.note) : '';
    return {
      update_id: `${row.case_number}-${row.seq}`,
      service_request_id: row.case_number,
      status: step.status,
      updated_datetime: localDateTime(row.created_at, timeZone),
      description: `${step.words}${reply}`.replace(/：$/, ''),
      media_url: null,
    };
  });
}
