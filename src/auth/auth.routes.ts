import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { originOf } from '../audit/index.ts';
import { AppError } from '../lib/app-error.ts';
import type { Clock } from '../lib/clock.ts';
import { DateTime, errorResponses } from '../lib/http-schemas.ts';
import { type Actor, NewStaffMemberBody, requireUserId } from '../organizations/index.ts';
import { TOKEN_SCOPES } from '../policy/index.ts';
import { createSession, revokeCredentials, revokeSession, SESSION_COOKIE, type SessionTimes } from './sessions.ts';
import { type AuthDeps, changePassword, requestSignInCode, signInWithCode, signInWithPassword } from './sign-in.ts';
import { createStaffAccount, resetPassword, setAccountDisabled } from './staff-accounts.ts';
import { issueApiToken, listApiTokens, revokeApiToken } from './tokens.ts';

export interface AuthRouteDeps extends AuthDeps {
  clock: Clock;
  sessions: SessionTimes;
  /** Send the session cookie only over HTTPS (on in production, behind TLS). */
  secureCookies: boolean;
}

const UserSchema = Type.Object({
  userId: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  handlingBodyId: Type.Union([Type.String(), Type.Null()]),
  jurisdiction: Type.Union([Type.Literal('city'), Type.Array(Type.String())], {
    description: "'city' with a city-wide grant, else the areas the user's work reaches (none: no cases)",
  }),
  clearance: Type.String(),
});
const SignedIn = Type.Object({ user: UserSchema, csrfToken: Type.Union([Type.String(), Type.Null()]) });
const Revoked = Type.Object({ sessionsEnded: Type.Integer(), tokensRevoked: Type.Integer() });
const StaffAccountCreated = Type.Object({ username: Type.String(), displayName: Type.String(), role: Type.String() });

export const authRoutes: FastifyPluginAsyncTypebox<{ deps: AuthRouteDeps }> = async (app, { deps }) => {
  const tags = ['sign-in'];

  async function startSession(request: FastifyRequest, reply: FastifyReply, actor: Actor) {
    const session = await createSession(deps.db, actor.userId, request.ip, deps.clock.now(), deps.sessions);
    reply.setCookie(SESSION_COOKIE, session.cookieValue, {
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.secureCookies,
      path: '/',
      maxAge: deps.sessions.absoluteHours * 3600,
    });
    return { user: actor, csrfToken: session.csrfToken };
  }

  app.post(
    '/auth/sign-in',
    {
      config: { public: true, rateLimitGroup: 'sign-in' },
      schema: {
        tags,
        summary: 'Sign in with user name and password; sets an HttpOnly session cookie',
        description:
          'Send the returned csrfToken in the x-csrf-token header with every change made with the cookie. ' +
          'After 5 failures within 15 minutes the user name is locked, for 1 minute and then longer (429).',
        security: [],
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 100 }),
            password: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: SignedIn, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) =>
      startSession(request, reply, await signInWithPassword(deps, request.body, deps.clock.now(), originOf(request))),
  );

  app.post(
    '/auth/code',
    {
      config: { public: true, rateLimitGroup: 'sign-in' },
      schema: {
        tags,
        summary: 'Citizens: send a one-time sign-in code to this mobile number',
        security: [],
        body: Type.Object({ phone: Type.String({ minLength: 5, maxLength: 20 }) }, { additionalProperties: false }),
        response: { 202: Type.Object({ expiresInSeconds: Type.Integer() }), ...errorResponses(400, 429) },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await requestSignInCode(deps, request.body.phone, deps.clock.now(), originOf(request))),
  );

  app.post(
    '/auth/code/verify',
    {
      config: { public: true, rateLimitGroup: 'sign-in' },
      schema: {
        tags,
        summary: 'Citizens: sign in with the code sent to the phone; sets the session cookie',
        security: [],
        body: Type.Object(
          { phone: Type.String({ minLength: 5, maxLength: 20 }), code: Type.String({ pattern: '^[0-9]{6}$' }) },
          { additionalProperties: false },
        ),
        response: { 200: SignedIn, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) =>
      startSession(request, reply, await signInWithCode(deps, request.body, deps.clock.now(), originOf(request))),
  );

  app.get(
    '/auth/session',
    {
      config: { action: 'account.read' },
      schema: {
        tags,
        summary: 'Who is signed in, and the CSRF token of this session (for a console that was reloaded)',
        response: { 200: SignedIn, ...errorResponses(401) },
      },
    },
    async (request) => ({ user: request.actor, csrfToken: request.session?.csrfToken ?? null }),
  );

  app.post(
    '/auth/sign-out',
    {
      config: { action: 'account.sign_out' },
      schema: { tags, summary: 'End this session', response: { 204: Type.Null(), ...errorResponses(401, 403) } },
    },
    async (request, reply) => {
      if (request.session) await revokeSession(deps.db, request.session.idHash, deps.clock.now());
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/sign-out-everywhere',
    {
      config: { action: 'account.sign_out' },
      schema: {
        tags,
        summary: 'End every session of yours, on every device, and revoke every API token you issued',
        response: { 200: Revoked, ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const revoked = await revokeCredentials(deps.db, request.actor.userId, deps.clock.now());
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return revoked;
    },
  );

  app.put(
    '/auth/password',
    {
      config: { action: 'account.change_password', rateLimitGroup: 'sign-in' },
      schema: {
        tags,
        summary:
          'Change your password (at least 10 characters, three kinds); your other sessions end and your API tokens are revoked',
        body: Type.Object(
          {
            currentPassword: Type.String({ minLength: 1, maxLength: 200 }),
            newPassword: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Revoked, ...errorResponses(400, 401, 403) },
      },
    },
    // Whoever else knew the old password, or holds a token minted with it, is shut out; this session stays.
    (request) =>
      changePassword(deps, request.actor, request.body, deps.clock.now(), originOf(request), request.session?.idHash),
  );

  // Staff accounts: an administrator's (the account's name, role and reach are changed in organizations).
  const staffTags = ['people'];
  const ByUsername = Type.Object({ username: Type.String({ minLength: 1, maxLength: 100 }) });
  const NewPassword = Type.Object(
    { password: Type.String({ minLength: 1, maxLength: 200 }) },
    { additionalProperties: false },
  );

  app.post(
    '/users',
    {
      config: { action: 'users.manage' },
      schema: {
        tags: staffTags,
        summary: 'Add a staff account with its role, body, areas and first password',
        body: NewStaffMemberBody,
        response: { 201: StaffAccountCreated, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const created = await createStaffAccount(deps.db, request.actor, request.body, deps.clock.now());
      return reply
        .status(201)
        .send({ username: created.username, displayName: created.displayName, role: created.role });
    },
  );

  app.put(
    '/users/:username/password',
    {
      config: { action: 'users.manage' },
      schema: {
        tags: staffTags,
        summary: "Set a user's password (someone who forgot theirs); their sessions end and their tokens are revoked",
        params: ByUsername,
        body: NewPassword,
        response: { 200: Revoked, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const id = await requireUserId(deps.db, request.params.username);
      const username = request.params.username.trim().toLowerCase();
      return resetPassword(deps.db, request.actor, { id, username }, request.body.password, deps.clock.now());
    },
  );

  for (const [path, disabled] of [
    ['/users/:username/disable', true],
    ['/users/:username/enable', false],
  ] as const) {
    app.post(
      path,
      {
        config: { action: 'users.manage' },
        schema: {
          tags: staffTags,
          summary: disabled
            ? 'Disable an account: no more sign-in, its sessions end and its tokens are revoked'
            : 'Enable a disabled account again (it signs in with a new password set by an administrator)',
          params: ByUsername,
          response: { 200: Revoked, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) =>
        setAccountDisabled(
          deps.db,
          request.actor,
          await requireUserId(deps.db, request.params.username),
          disabled,
          deps.clock.now(),
        ),
    );
  }

  const TokenSummary = Type.Object({
    id: Type.String(),
    label: Type.String(),
    scopes: Type.Array(Type.String()),
    createdAt: DateTime,
    expiresAt: Type.Union([DateTime, Type.Null()]),
    lastUsedAt: Type.Union([DateTime, Type.Null()]),
  });

  app.get(
    '/auth/tokens',
    {
      config: { action: 'account.tokens' },
      schema: {
        tags,
        summary: 'Your live API tokens (never the tokens themselves)',
        response: { 200: Type.Array(TokenSummary), ...errorResponses(401, 403) },
      },
    },
    (request) => listApiTokens(deps.db, request.actor.userId),
  );

  app.post(
    '/auth/tokens',
    {
      config: { action: 'account.tokens' },
      schema: {
        tags,
        summary: 'Issue an API token for a system acting as you, limited to some scopes; shown once',
        body: Type.Object(
          {
            label: Type.String({ minLength: 1, maxLength: 100 }),
            scopes: Type.Array(Type.Enum([...TOKEN_SCOPES]), { minItems: 1, uniqueItems: true }),
            expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.String(), token: Type.String() }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const now = deps.clock.now();
      const days = request.body.expiresInDays ?? 90;
      const issued = await issueApiToken(deps.db, request.actor.userId, {
        label: request.body.label,
        scopes: request.body.scopes,
        expiresAt: new Date(now.getTime() + days * 86_400_000),
      });
      return reply.status(201).send(issued);
    },
  );

  app.delete(
    '/auth/tokens/:id',
    {
      config: { action: 'account.tokens' },
      schema: {
        tags,
        summary: 'Revoke one of your API tokens',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      if (!(await revokeApiToken(deps.db, request.actor.userId, request.params.id, deps.clock.now()))) {
        throw new AppError('AUTH_ERR_TOKEN_NOT_FOUND', 404, 'You have no live token with this id');
      }
      return reply.status(204).send(null);
    },
  );
};
