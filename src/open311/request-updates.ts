import type { CaseAction, CaseDeps, CaseStatus } from '../cases/index.ts';
import { publicText, published, recordNote } from '../cases/index.ts';
import type { Db } from '../db/database.ts';
import { localDateTime } from '../lib/local-date.ts';
import type { Actor } from '../organizations/index.ts';
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

/** A note (a partner application's update) reads with the status its case had then, in FixMyStreet's words. */
const STATUS_OF_CASE: Record<CaseStatus, string> = {
  reported: 'open',
  registered: 'open',
  returned: 'open',
  reopened: 'open',
  dispatched: 'action_scheduled',
  in_progress: 'in_progress',
  handled: 'fixed',
  verified: 'fixed',
  closed: 'closed',
  cancelled: 'closed',
  suspended: 'investigating',
  merged: 'duplicate',
};

/** The statuses a client may send with an update: FixMyStreet's OPEN and CLOSED, and the extended ones. */
export const CLIENT_STATUSES = [
  'open',
  'closed',
  'fixed',
  'in_progress',
  'action_scheduled',
  'investigating',
  'duplicate',
  'not_councils_responsibility',
  'unable_to_fix',
  'internal_referral',
  'no_further_action',
] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

/** What a client's status says, in the note staff read (the loop does not take it as a step). */
const CLIENT_STATUS_WORDS: Record<ClientStatus, string> = {
  open: '未解决',
  closed: '已解决',
  fixed: '已修复',
  in_progress: '处理中',
  action_scheduled: '已安排处理',
  investigating: '调查中',
  duplicate: '重复反映',
  not_councils_responsibility: '不属本市职责',
  unable_to_fix: '无法处理',
  internal_referral: '已内部转办',
  no_further_action: '无需进一步处理',
};

/** Where the link to a client's photo begins in a note: the public reads the note up to it. */
const PHOTO_LINK = '\n\n照片链接（由提交的应用提供，未取回）：';

/** POST servicerequestupdates: the form fields this server reads. */
export interface UpdateForm {
  service_request_id: string;
  update_id: string;
  status: string;
  updated_datetime: string;
  description?: string;
  media_url?: string;
  first_name?: string;
  last_name?: string;
  email?: string;
}

/**
 * Records a partner application's update (the mySociety extension's POST servicerequestupdates) as a note on
 * the case, and answers the update's id here (the id servicerequestupdates lists it under, so a client that
 * reads updates back knows its own). The note never steps the loop: a user's CLOSED (FixMyStreet's "fixed")
 * is written into the note for the desk to read, and the case stays where it is until the desk and the
 * handling body close it. The same update_id again answers the same id and records nothing. A client may
 * add to the cases the public sees and to the requests it filed itself (not yet published), no others: an
 * unknown case and one it may not add to answer alike (404). The writer's name and email are sealed as
 * personal data and never answered; a media_url is kept as a link, never fetched.
 */
export async function postRequestUpdate(
  deps: CaseDeps,
  client: Actor,
  form: UpdateForm,
): Promise<{ update_id: string }> {
  const status = form.status.toLowerCase() as ClientStatus;
  const text = form.description?.trim() ?? '';
  const note = [text, `（应用中的状态：${CLIENT_STATUS_WORDS[status]}）`].filter(Boolean).join('\n');
  const name = [form.first_name, form.last_name].filter((part) => part?.trim()).join(' ');
  const recorded = await recordNote(deps, client, form.service_request_id, {
    note: form.media_url ? `${note}${PHOTO_LINK}${form.media_url}` : note,
    clientUpdateId: form.update_id,
    clientStatus: status,
    clientUpdatedAt: form.updated_datetime,
    author: { name: name || null, email: form.email ?? null },
    ...(form.media_url ? { mediaUrl: form.media_url } : {}),
    where: (eb) => eb.or([published(eb), eb('cases.reported_by_user_id', '=', client.userId)]),
  });
  return { update_id: `${recorded.caseNumber}-${recorded.seq}` };
}

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
      'case_events.to_status',
      'case_events.created_at',
    ])
    .where(published)
    .where('case_events.action', 'in', [...(Object.keys(PUBLIC_STEPS) as CaseAction[]), 'note'])
    .where('case_events.created_at', '>=', start)
    .where('case_events.created_at', '<=', end)
    .orderBy('case_events.created_at')
    .orderBy('cases.case_number')
    .orderBy('case_events.seq')
    .limit(MAX_REQUESTS)
    .execute();
  return rows.map((row) => {
    if (row.action === 'note') {
      // A public note: its words (masked, without the unmoderated photo's link) and the case's status then.
      return {
        update_id: `${row.case_number}-${row.seq}`,
        service_request_id: row.case_number,
        status: STATUS_OF_CASE[row.to_status],
        updated_datetime: localDateTime(row.created_at, timeZone),
        description: publicText((row.note ?? '').split(PHOTO_LINK, 1)[0]!),
        media_url: null,
      };
    }
    const step = PUBLIC_STEPS[row.action]!;
    const reply = step.withReply && row.note ? publicText(row.note) : '';
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
