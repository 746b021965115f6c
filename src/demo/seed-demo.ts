import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import union from '@turf/union';
import { parse } from 'csv-parse/sync';
import { hashPassword } from '../auth/index.ts';
import { CityCalendar, loadShippedCalendars } from '../calendar/index.ts';
import {
  answerSurvey,
  type CaseDeps,
  reportCase,
  runSupervisionSweep,
  type Satisfaction,
  type TransitionAction,
  transitionCase,
  unmaskCaseReporter,
} from '../cases/index.ts';
import type { Db } from '../db/database.ts';
import { readSetting, writeSetting } from '../db/settings.ts';
import { awardPoints } from '../evaluation/index.ts';
import { type AreaLocator, generateGrid, importAreas } from '../grid/index.ts';
import { loadFixtureArticles } from '../knowledge/index.ts';
import { AppError } from '../lib/app-error.ts';
import type { Clock } from '../lib/clock.ts';
import {
  type Actor,
  actorForUsername,
  createHandlingBody,
  createUser,
  importTaxonomy,
  setCategoryAttributes,
  setEvidenceRules,
  type TaxonomyLeafRow,
} from '../organizations/index.ts';
import { type Keyring, recordPerson } from '../privacy/index.ts';
import { createRoutingRule } from '../routing/index.ts';
import { EXPORT_DISTRICTS } from '../text/index.ts';
import {
  DEFAULT_BODIES,
  DEMO_BODIES,
  DEMO_PASSWORD,
  DEMO_USERS,
  DISTRICT_NAMES_EN,
  demoTimeLimits,
} from './demo-city.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface DemoMessage {
  sourceId: string;
  title: string;
  description: string;
  category: string;
  district: string;
  longitude: number;
  latitude: number;
}

export interface SeedOptions {
  db: Db;
  areas: AreaLocator;
  /** The keys the demo's personal data is sealed with. */
  keyring: Keyring;
  /** The demo's "today": cases are spread over the 60 days before it. */
  now: Date;
  reopenWindowDays: number;
  timeZone: string;
  /** Called as cases are loaded, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
  /** Load only the first N messages (tests use a few). */
  limit?: number;
  /**
   * People may act on the demo's cases while they load (the server is already answering): a case taken
   * up before its history is written keeps their steps, not the demo's.
   */
  othersMayAct?: boolean;
}

export interface SeedReport {
  bodies: number;
  categories: number;
  areas: number;
  users: number;
  cases: number;
  byStatus: Record<string, number>;
}

const DEMO_STATE = 'demo_city';
/** Made-up callers' names (surname + 先生/女士, as a hotline operator writes them down). */
const CALLER_NAMES = ['王先生', '李女士', '张先生', '刘女士', '陈先生', '杨女士', '欧阳先生', '赵女士'];
const DEMO_GRID_DISTRICT = '430102';

/**
 * The demo citizen's data tracker is not empty on first start: the desk called 陈市民 back about each of
 * their closed cases, having unmasked the phone for that purpose, as a real centre does.
 */
async function demoPersonalDataUse(options: SeedOptions) {
  const { db } = options;
  const dispatcher = (await actorForUsername(db, 'dispatcher'))!;
  const closed = await db
    .selectFrom('cases')
    .innerJoin('users', 'users.id', 'cases.reported_by_user_id')
    .select(['cases.case_number', 'cases.closed_at'])
    .where('users.username', '=', 'citizen')
    .where('cases.closed_at', 'is not', null)
    .execute();
  let at = options.now;
  const deps = await caseDepsWith(options, { now: () => at });
  for (const row of closed) {
    at = new Date(row.closed_at!.getTime() + 2 * HOUR);
    await unmaskCaseReporter(
      deps,
      dispatcher,
      row.case_number,
      { purpose: 'verification_callback', reason: '办结后电话回访，核实问题是否解决' },
      {},
    );
  }
}

/** True when nobody has set this database up yet: the demo city loads only then. */
export async function isEmpty(db: Db): Promise<boolean> {
  return !(await db.selectFrom('users').select('id').limit(1).executeTakeFirst());
}

/** True when the demo city was loaded into this database (its users share a published password). */
export async function demoCityLoaded(db: Db): Promise<boolean> {
  return (await readSetting<string>(db, DEMO_STATE)) === 'loaded';
}

/**
 * True once the demo's users exist (their cases may still be loading, in this process): the sign-in page
 * may offer them.
 */
export async function demoUsersReady(db: Db): Promise<boolean> {
  const state = await readSetting<string>(db, DEMO_STATE);
  return state === 'cases' || state === 'loaded';
}

/**
 * True when a demo load began and never finished (the first start was interrupted). Asked at start, before
 * any loading of this process's own.
 */
export async function demoLoadInterrupted(db: Db): Promise<boolean> {
  const state = await readSetting<string>(db, DEMO_STATE);
  return state === 'loading' || state === 'cases';
}

/**
 * Loads the demo city into an empty database: 长沙's districts, handling bodies, the real 12345 taxonomy,
 * demo users, and real citizen messages as cases spread over every status of the loop. Every case goes
 * through the same services a person would use, so its events are genuine.
 */
export async function seedDemoCity(options: SeedOptions): Promise<SeedReport> {
  return seedDemoCases(options, await seedDemoStructure(options));
}

/** What the demo's cases are made on: the categories' codes by path, and the districts' names. */
export interface DemoStructure {
  codes: Map<string, string>;
  /** The districts' names in adcode order. */
  districtNames: string[];
  areaCount: number;
}

/**
 * The demo's category attributes: how large a broken public facility is (a road's pothole among them), and
 * when a noise is heard (required: day and night noise fall under different rules) and where it comes from.
 */
const DEMO_ATTRIBUTES: ReadonlyArray<[string, Parameters<typeof setCategoryAttributes>[3]]> = [
  [
    '城乡建设/城市建设和市政管理/城市公共设施',
    [
      {
        code: 'damage_size',
        datatype: 'singlevaluelist',
        required: false,
        descriptionZh: '损坏范围有多大',
        descriptionEn: 'How large the damage is',
        values: [
          { key: 'small', name: '小于 0.5 米（约一个井盖大小）' },
          { key: 'medium', name: '0.5 至 2 米' },
          { key: 'large', name: '大于 2 米，或已影响通行' },
        ],
      },
    ],
  ],
  [
    '环境保护/环境污染/噪音污染',
    [
      {
        code: 'time_of_day',
        datatype: 'singlevaluelist',
        required: true,
        descriptionZh: '噪音出现在什么时段',
        descriptionEn: 'When the noise is heard',
        values: [
          { key: 'day', name: '白天（6:00–22:00）' },
          { key: 'night', name: '夜间（22:00–次日 6:00）' },
          { key: 'all_day', name: '全天' },
        ],
      },
      {
        code: 'noise_source',
        datatype: 'multivaluelist',
        required: false,
        descriptionZh: '噪音来自哪里',
        descriptionEn: 'Where the noise comes from',
        values: [
          { key: 'construction', name: '建筑施工' },
          { key: 'traffic', name: '交通运输' },
          { key: 'business', name: '商业经营' },
          { key: 'neighbourhood', name: '社会生活（邻里、广场舞等）' },
          { key: 'industry', name: '工业生产' },
        ],
      },
      {
        code: 'decibels',
        datatype: 'number',
        required: false,
        descriptionZh: '测得的分贝数（如有）',
        descriptionEn: 'Decibels measured, if any',
        values: [],
      },
    ],
  ],
];

/**
 * The first part of the demo city, everything but its cases: areas, grid, bodies, categories, users,
 * calendar, routing rules and articles. A few seconds; `serve` listens after it and loads the cases while
 * it answers, so the demo users can sign in at once.
 */
export async function seedDemoStructure(options: SeedOptions): Promise<DemoStructure> {
  const { db } = options;
  if (!(await isEmpty(db)))
    throw new Error('The database already has users; the demo city loads only into an empty one');

  // Loading takes a while and goes through the ordinary services (many transactions), so it is marked
  // as begun and as finished: a start that finds it begun but not finished says so instead of running
  // on half a city.
  await writeSetting(db, DEMO_STATE, 'loading');
  await createUser(db, 'bootstrap', {
    username: 'admin',
    displayName: DEMO_USERS[0]!.displayName,
    role: 'admin',
    reach: 'city',
  });
  const admin = (await actorForUsername(db, 'admin'))!;

  const bodyIds = new Map<string, string>();
  // Superiors come first in DEMO_BODIES, so each body's superior has its id by the time the body is made.
  for (const { parentCode, ...body } of DEMO_BODIES) {
    const parentId = parentCode ? bodyIds.get(parentCode) : null;
    if (parentId === undefined) throw new Error(`demo body ${body.code} is listed before its superior ${parentCode}`);
    bodyIds.set(body.code, (await createHandlingBody(db, admin, { ...body, parentId })).id);
  }

  const districts = JSON.parse(
    fs.readFileSync(path.join(FIXTURES, 'changsha-districts.geojson'), 'utf8'),
  ) as GeoJSON.FeatureCollection;
  // The city is the union of its districts, dissolved into one outline (districts share edges, so
  // merely listing their polygons would not make a valid MultiPolygon).
  const outline = union(districts as GeoJSON.FeatureCollection<GeoJSON.Polygon | GeoJSON.MultiPolygon>);
  if (!outline) throw new Error('The demo districts have no area');
  const city: GeoJSON.FeatureCollection = {
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties: { adcode: '430100', name: '长沙市' }, geometry: outline.geometry }],
  };
  const mapping = { codeProperty: 'adcode', nameProperty: 'name', crs: 'gcj02' } as const;
  await importAreas(db, admin, city, { ...mapping, level: 'city' }, { 长沙市: 'Changsha' });
  const { imported: areaCount } = await importAreas(
    db,
    admin,
    districts,
    { ...mapping, level: 'district', parentCode: '430100' },
    DISTRICT_NAMES_EN,
  );
  // The demo messages come from an anonymised city whose districts read "A1区"…"A9市"; the fixture maps them
  // to 长沙's nine county-level units in adcode order, and so do these aliases (for texts imported from the
  // same source; the demo's own texts get the real names, below).
  const districtCodes = districts.features.map((f) => String(f.properties?.adcode)).sort();
  await db
    .insertInto('place_aliases')
    .values(districtCodes.map((code, i) => ({ alias: EXPORT_DISTRICTS[i]?.name as string, area_code: code })))
    .onConflict((oc) => oc.doNothing())
    .execute();
  // 芙蓉区, the city centre, gets its 100 m unit grids (万米单元网格), so demo cases there are placed on them.
  await generateGrid(db, admin, { within: DEMO_GRID_DISTRICT, shape: { kind: 'square', meters: 100 } });
  await options.areas.reload();

  const sheet = parse(fs.readFileSync(path.join(FIXTURES, 'taxonomy.csv')), {
    columns: false,
    from_line: 2,
  }) as string[][];
  const names = parse(fs.readFileSync(path.join(FIXTURES, 'taxonomy-names-en.csv')), {
    columns: false,
    from_line: 2,
  }) as string[][];
  const rows: TaxonomyLeafRow[] = sheet.map(([l1, l2, l3]) => ({ path: [l1!, l2!, l3!] }));
  const { codes } = await importTaxonomy(db, admin, rows, new Map(names.map(([zh, en]) => [zh!, en!])), {
    bodyFor: (key) => (DEFAULT_BODIES[key] ? (bodyIds.get(DEFAULT_BODIES[key]) ?? null) : null),
    limitsFor: demoTimeLimits,
  });
  // Pollution and environment cases are shown by photos (数字城管): after handling, and at a grid worker's check.
  await setEvidenceRules(db, admin, codes.get('环境保护')!, {
    afterPhotoRequired: true,
    verificationPhotoRequired: true,
  });

  // What two categories ask beyond text and place (Open311 partner applications ask their users the same).
  for (const [categoryPath, attributes] of DEMO_ATTRIBUTES) {
    await setCategoryAttributes(db, admin, codes.get(categoryPath)!, attributes);
  }

  for (const user of DEMO_USERS.slice(1)) {
    const personId =
      user.role === 'citizen'
        ? await recordPerson(db, options.keyring, { name: user.displayName, phone: user.phone }, { publish: true })
        : null;
    await createUser(db, admin, {
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      handlingBodyId: user.bodyCode ? bodyIds.get(user.bodyCode) : null,
      personId,
      reach: user.reach,
    });
  }
  // One hash for all: the demo's users share a published password anyway, and hashing is deliberately slow.
  await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(DEMO_PASSWORD), password_changed_at: new Date() })
    .execute();

  await loadShippedCalendars(db);
  await createDemoRoutingRules(db, admin, bodyIds, codes);
  // Answers the desk can give at first contact (知识库), written from real government replies.
  await loadFixtureArticles(db, admin, bodyIds, { now: options.now, timeZone: options.timeZone, count: 18 });
  await writeSetting(db, DEMO_STATE, 'cases');
  const districtNames = [...districts.features]
    .sort((a, b) => String(a.properties?.adcode).localeCompare(String(b.properties?.adcode)))
    .map((f) => String(f.properties?.name));
  return { codes, districtNames, areaCount: areaCount + 1 };
}

/**
 * The second part: the demo's cases through the loop, the data tracker's entries, the notices and points
 * their history earned; then the demo city counts as loaded.
 */
export async function seedDemoCases(options: SeedOptions, structure: DemoStructure): Promise<SeedReport> {
  const { db } = options;
  const { codes } = structure;
  const messages = demoMessages(structure.districtNames).slice(0, options.limit);
  const byStatus = await loadCases(options, messages, codes);
  await demoPersonalDataUse(options);
  // Deadlines that ran out while the demo's history was written get their notices; closures their points.
  await runSupervisionSweep(db, options.now);
  await awardPoints(db);
  // The messages of the demo's made-up history count as sent when it happened, not as a backlog; those of
  // people using the server while the demo loaded (after its "today") are left to the sweep.
  await db
    .updateTable('notifications')
    .set((eb) => ({ status: 'sent', sent_at: eb.ref('created_at') }))
    .where('created_at', '<=', options.now)
    .execute();
  await writeSetting(db, DEMO_STATE, 'loaded');
  const count = async (table: 'handling_bodies' | 'categories' | 'users') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    bodies: await count('handling_bodies'),
    categories: await count('categories'),
    areas: structure.areaCount,
    users: await count('users'),
    cases: messages.length,
    byStatus,
  };
}

/**
 * The demo's citizen messages (TipDM 2020), their anonymised places written as 长沙's districts, given
 * the district names in adcode order: what the demo city and the browser tests report.
 */
export function demoMessages(districtNamesByAdcode: readonly string[]): DemoMessage[] {
  const inChangsha = changshaPlaceNames(districtNamesByAdcode);
  return (JSON.parse(fs.readFileSync(path.join(FIXTURES, 'messages.json'), 'utf8')) as DemoMessage[]).map((m) => ({
    ...m,
    title: inChangsha(m.title),
    description: inChangsha(m.description),
  }));
}

/**
 * The anonymised source city's names (A市 and its districts A1区…A9市) as 长沙's, the same name for the same
 * placeholder everywhere: A市 is 长沙市, and A1…A9 are the nine county-level units in adcode order, the order
 * the fixture placed each message's point by (so a text names the district its case lies in). Other
 * cities' placeholders (G市, C5市…) are left: they are elsewhere, and no real name is known for them.
 */
export function changshaPlaceNames(districtNamesByAdcode: readonly string[]): (text: string) => string {
  if (districtNamesByAdcode.length !== EXPORT_DISTRICTS.length) {
    throw new Error(`${EXPORT_DISTRICTS.length} district names are needed, got ${districtNamesByAdcode.length}`);
  }
  const names = new Map<string, string>([
    ['A市', '长沙市'],
    ...EXPORT_DISTRICTS.map((d, i): [string, string] => [d.name, districtNamesByAdcode[i] as string]),
  ]);
  return (text) => text.replace(/A市|A[1-9][区县市]/g, (placeholder) => names.get(placeholder) ?? placeholder);
}

/**
 * Routing as a city sets it up (属地管理): municipal problems in 天心区 go to the street office with the
 * volunteers assisting; estate problems there to the community committee with the property company;
 * noise at night to the police, who are on duty then.
 */
async function createDemoRoutingRules(db: Db, admin: Actor, bodyIds: Map<string, string>, codes: Map<string, string>) {
  const code = (path: string) => {
    const found = codes.get(path);
    if (!found) throw new Error(`The demo taxonomy has no ${path}`);
    return found;
  };
  const body = (bodyCode: string) => bodyIds.get(bodyCode)!;
  await createRoutingRule(db, admin, {
    categoryCode: code('城乡建设/城市建设和市政管理'),
    areaCode: '430103',
    leadBodyId: body('street-pozijie'),
    assistingBodyIds: [body('volunteers')],
    note: '天心区市政问题属地办理',
  });
  await createRoutingRule(db, admin, {
    categoryCode: code('城乡建设/城市建设和市政管理/小区管理'),
    areaCode: DEMO_GRID_DISTRICT,
    leadBodyId: body('community-wulipai-1'),
    assistingBodyIds: [body('property-demo')],
    note: '小区问题由社区牵头、物业协办',
  });
  await createRoutingRule(db, admin, {
    categoryCode: code('环境保护/环境污染/噪音污染'),
    window: { start: '22:00', end: '06:00' },
    leadBodyId: body('public-security'),
    note: '夜间噪音由公安处置',
  });
}

/** The actions that take a new case to each demo status, in order. */
const PATHS: Record<string, TransitionAction[]> = {
  reported: [],
  registered: ['register'],
  cancelled: ['cancel'],
  dispatched: ['register', 'dispatch'],
  returned: ['register', 'dispatch', 'return'],
  in_progress: ['register', 'dispatch', 'accept'],
  handled: ['register', 'dispatch', 'accept', 'handle'],
  verified: ['register', 'dispatch', 'accept', 'handle', 'verify_pass'],
  closed: ['register', 'dispatch', 'accept', 'handle', 'verify_pass', 'close'],
  rework: ['register', 'dispatch', 'accept', 'handle', 'verify_fail', 'handle', 'verify_pass', 'close'],
  suspended: ['register', 'suspend'],
  reopened: ['register', 'dispatch', 'accept', 'handle', 'verify_pass', 'close', 'reopen'],
};

// The demo city's records are its staff's words, in the city's language (zh-CN), like its cases: the
// console translates its own labels, never the data.
const NOTES: Partial<Record<TransitionAction, string>> = {
  cancel: '重复诉求，已合并处理',
  return: '不属于本单位职责范围',
  handle: '已安排人员现场处理并回复诉求人',
  verify_fail: '现场核查问题仍未解决',
  suspend: '需跨部门协调，暂缓办理',
  reopen: '问题再次出现',
};

/**
 * A handling body's reply to the reporter, of the kinds a supervisor meets (written for the demo): from
 * a complete one (thanks, what was checked, what was done, by when, a contact) to an empty formula, so the
 * reply-quality page has something to tell apart.
 */
function demoReply(title: string, i: number): string {
  const subject = title.replace(/[？?！!。]+$/, '');
  const replies = [
    `您好！感谢您对我们工作的信任和支持。关于您反映的“${subject}”问题，经我局工作人员现场核查，情况基本属实。我们已责令责任单位立即整改，并要求于本月底前整改完毕，届时将组织复查。如有疑问，请拨打咨询电话0731-84411234，联系人王科长。`,
    `网友您好，您反映的“${subject}”问题，经核实，我单位已安排人员处理，目前已处理完毕。感谢您的监督。`,
    '网友：您好！留言已收悉。',
    '已转相关部门处理。',
    `关于“${subject}”，经调查了解，相关情况已向属地街道反馈，街道将于近期研究解决，请耐心等待。`,
  ];
  return replies[Math.floor(spread(i, 7) * replies.length)] as string;
}

/** Deterministic "random" in [0, 1) from an index, so the demo is the same on every machine. */
const spread = (i: number, salt: number) => (((i + 1) * 2654435761 + salt * 40503) >>> 0) / 4294967296;

function demoStatus(i: number, total: number): string {
  const age = i / total; // 0 = oldest
  const r = spread(i, 1);
  const pick = (table: Array<[string, number]>) => {
    let acc = 0;
    for (const [status, weight] of table) {
      acc += weight;
      if (r < acc) return status;
    }
    return table.at(-1)![0];
  };
  if (age < 0.6)
    return pick([
      ['closed', 0.74],
      ['rework', 0.08],
      ['cancelled', 0.07],
      ['suspended', 0.04],
      ['verified', 0.03],
      ['handled', 0.04],
    ]);
  if (age < 0.85)
    return pick([
      ['in_progress', 0.3],
      ['handled', 0.2],
      ['dispatched', 0.15],
      ['returned', 0.05],
      ['verified', 0.1],
      ['closed', 0.2],
    ]);
  return pick([
    ['reported', 0.45],
    ['registered', 0.3],
    ['dispatched', 0.25],
  ]);
}

/** Case services on the demo's own clock (the demo writes its history at past instants). */
async function caseDepsWith(options: SeedOptions, clock: Clock): Promise<CaseDeps> {
  const calendar = new CityCalendar(options.db, options.timeZone);
  await calendar.reload();
  return {
    db: options.db,
    clock,
    policy: { reopenWindowDays: options.reopenWindowDays, timeZone: options.timeZone },
    locateArea: (lon, lat) => options.areas.place(lon, lat),
    calendar,
    keyring: options.keyring,
  };
}

async function loadCases(options: SeedOptions, messages: DemoMessage[], codes: Map<string, string>) {
  const { db } = options;
  let at = options.now;
  const deps = await caseDepsWith(options, { now: () => at });
  const actors = new Map<string, Actor>();
  const actor = async (username: string) => {
    if (!actors.has(username)) actors.set(username, (await actorForUsername(db, username))!);
    return actors.get(username)!;
  };
  const handlerOf = async (bodyId: string | null) => {
    const row = await db
      .selectFrom('users')
      .select('username')
      .where('handling_body_id', '=', bodyId)
      .executeTakeFirstOrThrow();
    return actor(row.username);
  };

  // The grid worker who patrols the case's district verifies it on site.
  const gridWorkerFor = (district: string) =>
    actor(
      DEMO_USERS.find((u) => u.role === 'grid_worker' && u.reach !== 'city' && u.reach?.includes(district))?.username ??
        'supervisor',
    );

  const byStatus: Record<string, number> = {};
  const start = options.now.getTime() - 60 * DAY;
  for (const [i, message] of messages.entries()) {
    // A few cases come from the demo citizens through the web, including a recently closed one they can
    // still reopen and one they already reopened.
    const fromEnd = messages.length - i;
    const citizen =
      fromEnd === 5 || fromEnd === 13 ? 'citizen' : i % 40 === 7 ? (i % 80 === 7 ? 'citizen' : 'citizen2') : null;
    const status = fromEnd === 5 ? 'reopened' : fromEnd === 13 ? 'closed' : demoStatus(i, messages.length);
    const created = start + (i / messages.length) * 59 * DAY + spread(i, 2) * 6 * HOUR;
    const steps = PATHS[status]!;
    const stepLength = Math.min(20 * HOUR, (options.now.getTime() - created) / (steps.length + 1));
    at = new Date(created);

    const categoryCode = codes.get(message.category);
    if (!categoryCode) throw new Error(`Demo message ${message.sourceId} has an unknown category ${message.category}`);
    const caseNumber = await reportCase(deps, await actor(citizen ?? 'dispatcher'), {
      title: message.title,
      description: message.description,
      categoryCode,
      location: { longitude: message.longitude, latitude: message.latitude },
      channel: citizen ? 'web' : 'import',
      priority: /安全|消防|燃气|事故/.test(message.category) ? 'high' : 'normal',
      // Made-up numbers in a range no operator assigns, so the outbox has someone to write to.
      reporter: citizen
        ? undefined
        : { name: CALLER_NAMES[i % CALLER_NAMES.length], phone: `1990000${String(i).padStart(4, '0')}` },
    });

    // The case's history after its report, step by step; returns where it ends.
    const writeHistory = async (): Promise<string> => {
      for (const [k, action] of steps.entries()) {
        const scheduled = created + (k + 1) * stepLength * (0.6 + 0.4 * spread(i, k + 3));
        // Bodies mostly answer a dispatch within the hour or two a 12345 centre allows; some are late.
        const answerDelay =
          (spread(i, k + 29) < 0.85 ? 15 + 90 * spread(i, k + 31) : 180 + 900 * spread(i, k + 31)) * 60_000;
        at = new Date(
          action === 'accept' || action === 'return' ? Math.min(scheduled, at.getTime() + answerDelay) : scheduled,
        );
        const assigned = await db
          .selectFrom('cases')
          .select('assigned_body_id')
          .where('case_number', '=', caseNumber)
          .executeTakeFirstOrThrow();
        const by =
          action === 'accept' || action === 'return' || action === 'handle'
            ? await handlerOf(assigned.assigned_body_id)
            : action === 'verify_pass' || action === 'verify_fail'
              ? await gridWorkerFor(message.district)
              : action === 'reopen'
                ? await actor(citizen ?? 'citizen')
                : await actor('dispatcher');
        await transitionCase(deps, by, caseNumber, {
          action,
          note: action === 'handle' ? demoReply(message.title, i) : NOTES[action],
          reviewDate:
            action === 'suspend' ? new Date(options.now.getTime() + 14 * DAY).toISOString().slice(0, 10) : undefined,
        });
      }
      let final = status === 'rework' ? 'closed' : status;
      // The reporter is called back after closure (回访); a few are dissatisfied, which reopens the case.
      if (final === 'closed' && !citizen) {
        at = new Date(at.getTime() + 2 * HOUR);
        const roll = spread(i, 17);
        const satisfaction: Satisfaction =
          roll < 0.72 ? 'satisfied' : roll < 0.9 ? 'basically_satisfied' : 'dissatisfied';
        const { reopened } = await answerSurvey(deps, await actor('dispatcher'), caseNumber, {
          satisfaction,
          solved: satisfaction !== 'dissatisfied' && spread(i, 19) < 0.92,
        });
        if (reopened) final = 'reopened';
      }
      // A few bodies ask for more time on cases still in progress.
      if (final === 'in_progress' && spread(i, 23) < 0.3) {
        const assigned = await db
          .selectFrom('cases')
          .select('assigned_body_id')
          .where('case_number', '=', caseNumber)
          .executeTakeFirstOrThrow();
        await transitionCase(deps, await handlerOf(assigned.assigned_body_id), caseNumber, {
          action: 'request_extension',
          note: '需协调多个部门，申请延期',
          extensionDays: 3,
        });
      }
      return final;
    };
    let final: string;
    try {
      final = await writeHistory();
    } catch (error) {
      // Serving already, someone took up this case before its history was written (registered or
      // dispatched it from the desk): their step stands, and the demo's remaining ones are left out.
      if (!options.othersMayAct || !(error instanceof AppError)) throw error;
      final = 'taken up meanwhile';
    }
    byStatus[final] = (byStatus[final] ?? 0) + 1;
    options.onProgress?.(i + 1, messages.length);
  }
  return byStatus;
}
