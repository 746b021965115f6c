import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  CaseNumberParams,
  getPublicCase,
  listPublicCases,
  moderateCaseText,
  nearbyPublicCases,
  publicDisplay,
  supportCase,
} from '../cases/index.ts';
import type { Db } from '../db/database.ts';
import type { Clock } from '../lib/clock.ts';
import { errorResponses } from '../lib/http-schemas.ts';
import { publicPhotos } from '../media/index.ts';
import { caseFeed } from './feeds.ts';
import { placeForResident } from './places.ts';
import {
  FeedParams,
  FeedQuery,
  NearbyQuery,
  NearbyResponse,
  PlaceQuery,
  PlaceResponse,
  PublicCaseDetailResponse,
  PublicCaseListQuery,
  PublicCaseResponse,
  PublicDisplayResponse,
  SubscribeBody,
  SubscriptionIdParams,
  SubscriptionResponse,
  SupportResponse,
  TextModerationBody,
} from './portal.schemas.ts';
import { listSubscriptions, subscribe, unsubscribe } from './subscriptions.ts';

/**
 * What the public portal reads without signing in (published cases, their public steps and approved
 * photos, the cases near a point, feeds), and the one thing a signed-in resident adds there: "me too".
 * Reporting, photos and the survey go through the same routes as everywhere else (a citizen's session).
 */
export const portalRoutes: FastifyPluginAsyncTypebox<{ db: Db; clock: Clock }> = async (app, { db, clock }) => {
  const tags = ['public'];

  app.get(
    '/public/cases',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Published cases, newest first, by category, area and open/closed',
        description: 'Cases whose reporter withdrew consent to publication are not shown.',
        security: [],
        querystring: PublicCaseListQuery,
        response: { 200: Type.Array(PublicCaseResponse), ...errorResponses(400) },
      },
    },
    async (request) => listPublicCases(db, request.query),
  );

  app.get(
    '/public/cases/nearby',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Open published cases near a point, nearest first ("is it one of these?")',
        security: [],
        querystring: NearbyQuery,
        response: { 200: NearbyResponse, ...errorResponses(400) },
      },
    },
    async (request) => nearbyPublicCases(db, request.query),
  );

  app.get(
    '/public/places',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Where an address or place name lies: the area the city’s gazetteer and place aliases find',
        security: [],
        querystring: PlaceQuery,
        response: { 200: PlaceResponse, ...errorResponses(400) },
      },
    },
    async (request) => ({ placement: await placeForResident(db, request.query.q) }),
  );

  app.get(
    '/public/cases/:caseNumber',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'One published case: its public steps and approved photos (track by number)',
        security: [],
        params: CaseNumberParams,
        response: { 200: PublicCaseDetailResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const detail = await getPublicCase(db, request.params.caseNumber);
      const { photos, hidden } = await publicPhotos(db, request.params.caseNumber);
      return { ...detail, photos, hiddenPhotos: hidden };
    },
  );

  app.post(
    '/public/cases/:caseNumber/support',
    {
      config: { action: 'case.support' },
      schema: {
        tags,
        summary: 'Say "me too" on an open published case instead of reporting it again',
        params: CaseNumberParams,
        response: { 200: SupportResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => supportCase(db, request.actor, request.params.caseNumber, clock.now()),
  );

  app.get(
    '/cases/:caseNumber/public-display',
    {
      config: { action: 'case.public.moderate' },
      schema: {
        tags,
        summary: 'Whether a case is on the portal, and whether its words are hidden there (moderators)',
        params: CaseNumberParams,
        response: { 200: PublicDisplayResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => publicDisplay(db, request.actor, request.params.caseNumber),
  );

  app.put(
    '/cases/:caseNumber/public-display/text',
    {
      config: { action: 'case.public.moderate' },
      schema: {
        tags,
        summary: 'Hide the title and description from the public, or show them again, with a public reason',
        params: CaseNumberParams,
        body: TextModerationBody,
        response: { 200: PublicDisplayResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await moderateCaseText(db, request.actor, request.params.caseNumber, request.body, clock.now());
      return publicDisplay(db, request.actor, request.params.caseNumber);
    },
  );

  app.get(
    '/me/subscriptions',
    {
      config: { action: 'subscription.manage' },
      schema: {
        tags,
        summary: 'The cases and areas you follow',
        response: { 200: Type.Array(SubscriptionResponse), ...errorResponses(401, 403) },
      },
    },
    async (request) => listSubscriptions(db, request.actor),
  );

  app.post(
    '/me/subscriptions',
    {
      config: { action: 'subscription.manage' },
      schema: {
        tags,
        summary: 'Follow a case, or an area and/or a category: its public steps come by text message or e-mail',
        description: 'Messages go only to residents who consented to be contacted (PUT /me/consents).',
        body: SubscribeBody,
        response: { 201: SubscriptionResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await subscribe(db, request.actor, request.body, clock.now())),
  );

  app.delete(
    '/me/subscriptions/:id',
    {
      config: { action: 'subscription.manage' },
      schema: {
        tags,
        summary: 'Stop following',
        params: SubscriptionIdParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await unsubscribe(db, request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/public/feeds/cases.:format',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Atom or RSS feed of the public steps of published cases, per area and category',
        security: [],
        params: FeedParams,
        querystring: FeedQuery,
        response: {
          200: Type.Unsafe({ type: 'string', description: 'application/atom+xml or application/rss+xml' }),
          ...errorResponses(400),
        },
      },
    },
    async (request, reply) => {
      const feed = await caseFeed(db, {
        ...request.query,
        format: request.params.format,
        origin: `${request.protocol}://${request.host}`,
      });
      return reply.type(feed.contentType).send(feed.body);
    },
  );
};
