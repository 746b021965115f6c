import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { type CoordinateSystem, pointInWgs84 } from '../grid/index.ts';
import { type Actor, requireLeafCategory } from '../organizations/index.ts';
import { type Identity, maskPersonalData, recordCasePersonalItems, recordPerson } from '../privacy/index.ts';
import { assessUrgency, placeFromText, recordIntakeChoice } from '../text/index.ts';
import { type CaseDeps, CITIZEN_CASES_PER_DAY } from './case-deps.ts';
import { nextCaseNumber, yearIn } from './case-number.ts';
import { actionForbidden, channelForbidden, intakeQuota, missingInput, outsideYourAreas } from './cases.errors.ts';
import type { Channel, Priority } from './cases.tables.ts';
import { REPORT_CHANNELS, RULES } from './lifecycle.ts';
import { suggestionFor } from './suggestion.ts';
import { withinJurisdiction } from './visibility.ts';

export interface NewCase {
  title: string;
  description: string;
  categoryCode: string;
  /** Where; in WGS-84 unless `crs` says otherwise. */
  location?: { longitude: number; latitude: number; crs?: CoordinateSystem };
  address?: string;
  channel?: Channel;
  priority?: Priority;
  /** The text suggestion the reporter was shown (POST /text/intake-suggestions), kept against the category chosen. */
  intakeSuggestionId?: string;
  /** The caller's identity, taken by a hotline dispatcher; stored as personal data, apart from the case. */
  reporter?: Pick<Identity, 'name' | 'phone' | 'idNumber' | 'address' | 'email'>;
  /** The reporter's consent to publication, when the channel asked for it (a public app's reports are public). */
  reporterConsents?: { publish?: boolean };
  /** Answers to what the category asks, by attribute code, as the channel checked them (checkAttributeAnswers). */
  attributes?: Record<string, string | string[]>;
}

// Below this the text's placement is kept and shown, but the case is not put on that area: on 200
// hand-labelled messages, placements at 0.7 or more were right 88 % of the time and found 93 % of the
// placeable ones (bench/places.ts); all placements, 79 % and 100 %.
const TEXT_PLACEMENT_MIN_CONFIDENCE = 0.7;

const DAY_MS = 86_400_000;

const DEFAULT_CHANNEL: Partial<Record<Actor['role'], Channel>> = {
  citizen: 'web',
  dispatcher: 'hotline',
  grid_worker: 'grid_patrol',
};

/**
 * Takes in a report from any channel and returns the new case's number. `systemChannel` is for the
 * platform's own systems (the sensor feeds' rules), never for a person's request: no role may report
 * through it, so it is given apart from the input a route passes on.
 */
export async function reportCase(
  deps: CaseDeps,
  actor: Actor,
  input: NewCase,
  systemChannel?: 'sensor',
): Promise<string> {
  if (!RULES.report.roles.includes(actor.role)) throw actionForbidden('report', 'role', []);
  const channel = systemChannel ?? input.channel ?? DEFAULT_CHANNEL[actor.role] ?? 'web';
  if (!systemChannel && !REPORT_CHANNELS[actor.role]?.includes(channel)) throw channelForbidden(actor.role, channel);
  if (!input.location && !input.address?.trim()) throw missingInput('report', 'a location or an address');

  const category = await requireLeafCategory(deps.db, input.categoryCode);
  const now = deps.clock.now();
  const point = input.location ? pointInWgs84(input.location, 'location') : null;
  // Without a point, the places the text names place the case (at least on a district) when they can.
  const textPlacement = point ? null : await placeFromText(deps.db, input);
  const placedByText = textPlacement && textPlacement.confidence >= TEXT_PLACEMENT_MIN_CONFIDENCE;
  const placement = point ? deps.locateArea(point[0], point[1]) : null;
  const gridCode = point ? (placement?.code ?? null) : placedByText ? textPlacement.areaCode : null;
  if (!withinJurisdiction(actor, gridCode)) throw outsideYourAreas(actor.jurisdiction);

  const suggestion = await suggestionFor(deps.db, deps, {
    categoryCode: category.code,
    gridCode,
    reportedAt: now,
  });

  // Phone, ID-card and plate numbers and names written into the text are masked there and kept as personal data.
  const title = maskPersonalData(input.title.trim());
  const description = maskPersonalData(input.description.trim());
  // A described danger raises the priority unless the reporter set one; the evidence goes to the dispatcher.
  const urgency = assessUrgency(`${title.masked}。${description.masked}`);

  return deps.db.transaction().execute(async (trx) => {
    if (actor.role === 'citizen') await checkCitizenQuota(trx, deps, actor, now);
    const reporterPersonId =
      actor.role === 'citizen'
        ? actor.personId
        : input.reporter && Object.values(input.reporter).some((v) => v?.trim())
          ? await recordPerson(trx, deps.keyring, input.reporter, input.reporterConsents)
          : null;
    const caseNumber = await nextCaseNumber(trx, yearIn(deps.policy.timeZone, now));
    const created = await trx
      .insertInto('cases')
      .values({
        case_number: caseNumber,
        title: title.masked,
        description: description.masked,
        category_id: category.id,
        longitude: point?.[0] ?? null,
        latitude: point?.[1] ?? null,
        address: input.address?.trim() ? maskPersonalData(input.address.trim()).masked : null,
        grid_code: gridCode,
        outside_jurisdiction: point !== null && gridCode === null,
        placement_snapped_metres: placement?.snappedMetres ?? null,
        channel,
        // A citizen's priority is a request the desk confirms when it registers the case.
        priority: (actor.role === 'citizen' ? undefined : input.priority) ?? urgency.priority,
        requested_priority: actor.role === 'citizen' ? (input.priority ?? null) : null,
        urgency_flags: urgency.flags.length ? JSON.stringify(urgency.flags) : null,
        text_placement: textPlacement ? JSON.stringify(textPlacement) : null,
        attributes: input.attributes && Object.keys(input.attributes).length ? JSON.stringify(input.attributes) : null,
        status: 'reported',
        assigned_body_id: null,
        reporter_person_id: reporterPersonId,
        reported_by_user_id: actor.userId,
        reported_by_citizen: actor.role === 'citizen',
        event_count: 1,
        created_at: now,
        updated_at: now,
        closed_at: null,
        ...suggestion,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('case_events')
      .values({
        case_id: created.id,
        seq: 1,
        action: 'report',
        from_status: null,
        to_status: 'reported',
        actor_user_id: actor.userId,
        actor_role: actor.role,
        note: null,
        details: JSON.stringify({}),
        created_at: now,
      })
      .execute();
    await recordCasePersonalItems(trx, deps.keyring, created.id, [...title.found, ...description.found]);
    if (input.intakeSuggestionId) {
      await recordIntakeChoice(
        trx,
        actor,
        input.intakeSuggestionId,
        { caseId: created.id, categoryCode: category.code },
        now,
      );
    }
    return caseNumber;
  });
}

/**
 * One account may report only so many cases a day: more would be a flood (and each case costs a desk's
 * attention), not a resident. Reports of one account take turns, so parallel requests cannot slip past.
 */
async function checkCitizenQuota(trx: Db, deps: CaseDeps, actor: Actor, now: Date) {
  const limit = deps.policy.citizenCasesPerDay ?? CITIZEN_CASES_PER_DAY;
  await sql`select pg_advisory_xact_lock(hashtext(${`intake:${actor.userId}`}))`.execute(trx);
  const since = new Date(now.getTime() - DAY_MS);
  const recent = await trx
    .selectFrom('cases')
    .select('created_at')
    .where('reported_by_user_id', '=', actor.userId)
    .where('created_at', '>', since)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  if (recent.length >= limit) {
    const oldest = recent.at(-1)!.created_at;
    throw intakeQuota(limit, Math.max(1, Math.ceil((oldest.getTime() + DAY_MS - now.getTime()) / 1000)));
  }
}
