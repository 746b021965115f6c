import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../db/database.ts';
import { errorResponses, Uuid } from '../lib/http-schemas.ts';
import type { Category } from './categories.ts';
import { changeCategory, getCategory, listCategories, parentCodeOf, setEvidenceRules } from './categories.ts';
import { changeHandlingBody, createHandlingBody, type HandlingBody, listHandlingBodies } from './handling-bodies.ts';
import {
  CategoryChangesBody,
  CategoryListQuery,
  CategoryParams,
  CategoryResponse,
  DemoUsersResponse,
  EvidenceRulesBody,
  HandlingBodyChangesBody,
  HandlingBodyResponse,
  MeResponse,
  NewHandlingBodyBody,
  ReachSchema,
  StaffChangesBody,
  StaffMemberResponse,
  UsernameParams,
} from './organizations.schemas.ts';
import { changeStaffMember, listStaff, listUsers, requireUserId, setReach } from './users.ts';

function handlingBodyView(b: HandlingBody) {
  return { id: b.id, code: b.code, nameZh: b.name_zh, nameEn: b.name_en, type: b.type, parentId: b.parent_id };
}

function categoryView(c: Category) {
  return {
    code: c.code,
    level: c.level,
    parentCode: parentCodeOf(c.code),
    nameZh: c.name_zh,
    nameEn: c.name_en,
    defaultBodyId: c.default_body_id,
    responseLimitHours: c.response_limit_hours,
    handlingLimitDays: c.handling_limit_days,
    afterPhotoRequired: c.after_photo_required,
    verificationPhotoRequired: c.verification_photo_required,
  };
}

export const organizationsRoutes: FastifyPluginAsyncTypebox<{
  db: Db;
  /** The demo's sign-in (its users and their shared password), or null: off. */
  demoSignIn: { password: string; usernames: ReadonlySet<string> } | null;
}> = async (app, { db, demoSignIn }) => {
  app.get(
    '/me',
    {
      config: { action: 'account.read' },
      schema: {
        tags: ['people'],
        summary: 'Who you are signed in as',
        response: { 200: MeResponse, ...errorResponses(401) },
      },
    },
    async (request) => request.actor,
  );

  app.get(
    '/users',
    {
      config: { action: 'users.manage' },
      schema: {
        tags: ['people'],
        summary: 'Every staff account and where its work reaches (the city, some areas, or none)',
        response: { 200: Type.Array(StaffMemberResponse), ...errorResponses(401, 403) },
      },
    },
    (request) => listStaff(db, request.actor),
  );

  app.put(
    '/users/:username/reach',
    {
      config: { action: 'users.manage' },
      schema: {
        tags: ['people'],
        summary:
          "Set where a staff member's work reaches: 'city' (an explicit grant) or their areas; [] means no cases",
        params: UsernameParams,
        body: Type.Object({ reach: ReachSchema }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await setReach(db, request.actor, await requireUserId(db, request.params.username), request.body.reach);
      return reply.status(204).send(null);
    },
  );

  app.patch(
    '/users/:username',
    {
      config: { action: 'users.manage' },
      schema: {
        tags: ['people'],
        summary: "Change a staff member's name, role, handling body or clearance",
        params: UsernameParams,
        body: StaffChangesBody,
        response: { 200: StaffMemberResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      changeStaffMember(db, request.actor, await requireUserId(db, request.params.username), request.body),
  );

  app.get(
    '/categories',
    {
      config: { public: true },
      schema: {
        tags: ['taxonomy'],
        summary: 'The category taxonomy (three levels), optionally one level or the children of one code',
        querystring: CategoryListQuery,
        response: { 200: Type.Array(CategoryResponse), ...errorResponses(400) },
      },
    },
    async (request) =>
      (await listCategories(db, { parentCode: request.query.parent, level: request.query.level })).map(categoryView),
  );

  app.get(
    '/categories/:code',
    {
      config: { public: true },
      schema: {
        tags: ['taxonomy'],
        summary: 'One category',
        params: CategoryParams,
        response: { 200: CategoryResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => categoryView(await getCategory(db, request.params.code)),
  );

  app.put(
    '/categories/:code/evidence-rules',
    {
      config: { action: 'taxonomy.edit' },
      schema: {
        tags: ['taxonomy'],
        summary:
          'Which steps of a category need photos: after handling (处置后), and a grid worker’s verification (核查)',
        params: CategoryParams,
        body: EvidenceRulesBody,
        response: { 200: CategoryResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => categoryView(await setEvidenceRules(db, request.actor, request.params.code, request.body)),
  );

  app.patch(
    '/categories/:code',
    {
      config: { action: 'taxonomy.edit' },
      schema: {
        tags: ['taxonomy'],
        summary: 'Rename a category, or set its default body and time limits (for cases dispatched from now on)',
        params: CategoryParams,
        body: CategoryChangesBody,
        response: { 200: CategoryResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => categoryView(await changeCategory(db, request.actor, request.params.code, request.body)),
  );

  app.get(
    '/handling-bodies',
    {
      config: { public: true },
      schema: {
        tags: ['people'],
        summary: 'The organisations that handle cases, as a flat list with parent ids',
        response: { 200: Type.Array(HandlingBodyResponse) },
      },
    },
    async () => (await listHandlingBodies(db)).map(handlingBodyView),
  );

  app.post(
    '/handling-bodies',
    {
      config: { action: 'taxonomy.edit' },
      schema: {
        tags: ['people'],
        summary: 'Add a handling body (承办单位), under its superior if it has one',
        body: NewHandlingBodyBody,
        response: { 201: HandlingBodyResponse, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(handlingBodyView(await createHandlingBody(db, request.actor, request.body))),
  );

  app.patch(
    '/handling-bodies/:id',
    {
      config: { action: 'taxonomy.edit' },
      schema: {
        tags: ['people'],
        summary: 'Rename a handling body, change its type, or move it under another superior',
        params: Type.Object({ id: Uuid }),
        body: HandlingBodyChangesBody,
        response: { 200: HandlingBodyResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => handlingBodyView(await changeHandlingBody(db, request.actor, request.params.id, request.body)),
  );

  if (!demoSignIn) return;

  // The demo's users and their shared password, shown on the sign-in page so a visitor can try every
  // role. Off in production (DEMO_SIGN_IN=false).
  app.get(
    '/demo/users',
    {
      config: { public: true },
      schema: {
        tags: ['demo'],
        summary: 'The users one may sign in as in the demo, and their password',
        security: [],
        response: { 200: DemoUsersResponse },
      },
    },
    // The demo's own users only: accounts made since (real staff, citizens by phone) are never listed.
    async () => ({
      password: demoSignIn.password,
      users: (await listUsers(db))
        .filter((user) => demoSignIn.usernames.has(user.username))
        .map(({ id: _id, handlingBodyId: _body, ...user }) => user),
    }),
  );
};
