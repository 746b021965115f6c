export { type AuthRouteDeps, authRoutes } from './auth.routes.ts';
export type { AuthTables } from './auth.tables.ts';
export { hashPassword, passwordProblems } from './passwords.ts';
export {
  type ActiveSession,
  createSession,
  type RevokedCredentials,
  revokeCredentials,
  SESSION_COOKIE,
  type SessionTimes,
  sessionFor,
} from './sessions.ts';
export { type AuthDeps, forgetExpiredSignInCodes, setPassword, signInWithPassword } from './sign-in.ts';
export { createStaffAccount, resetPassword, setAccountDisabled } from './staff-accounts.ts';
export { actorForToken, issueApiToken, listApiTokens, revokeApiToken, type TokenOptions } from './tokens.ts';
