import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../db/database.ts';
import { AppError } from '../lib/app-error.ts';
import { errorResponses } from '../lib/http-schemas.ts';
import { actorForUsername, issueApiToken } from './actors.ts';
import type { Category } from './categories.ts';
import { getCategory, listCategories, parentCodeOf } from './categories.ts';
import { listHandlingBodies } from './handling-bodies.ts';
import {
  CategoryListQuery,
  CategoryParams,
  CategoryResponse,
  DemoSignInBody,
  DemoSignInResponse,
  DemoUserResponse,
  HandlingBodyResponse,
  MeResponse,
} from './organizations.schemas.ts';
import { listUsers } from './users.ts';

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
  };
}

export const organizationsRoutes: FastifyPluginAsyncTypebox<{ db: Db; demoSignIn: boolean }> = async (
  app,
  { db, demoSignIn },
) => {
  app.get(
    '/me',
    {
      schema: {
        tags: ['people'],
        summary: 'Who you are signed in as',
        response: { 200: MeResponse, ...errorResponses(401) },
      },
    },
    async (request) => request.actor,
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
    async () =>
      (await listHandlingBodies(db)).map((b) => ({
        id: b.id,
        code: b.code,
        nameZh: b.name_zh,
        nameEn: b.name_en,
        type: b.type,
        parentId: b.parent_id,
      })),
  );

  if (!demoSignIn) return;

  // Demo sign-in: hands out a token for any seeded user so a visitor can try every role. Off in
  // production (DEMO_SIGN_IN=false); replaced by real authentication in the people-and-permissions work.
  app.get(
    '/demo/users',
    {
      config: { public: true },
      schema: {
        tags: ['demo'],
        summary: 'The users one may sign in as in the demo',
        response: { 200: Type.Array(DemoUserResponse) },
      },
    },
    async () => (await listUsers(db)).map(({ id: _id, ...user }) => user),
  );

  app.post(
    '/demo/sign-in',
    {
      config: { public: true },
      schema: {
        tags: ['demo'],
        summary: 'Sign in as a demo user; returns an API token',
        body: DemoSignInBody,
        response: { 200: DemoSignInResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const actor = await actorForUsername(db, request.body.username);
      if (!actor) throw new AppError('AUTH_ERR_UNKNOWN_USER', 404, `There is no user "${request.body.username}"`);
      return { token: await issueApiToken(db, actor.userId, 'demo sign-in'), user: actor };
    },
  );
};
