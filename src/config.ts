import path from 'node:path';

/** Everything the process reads from its environment, read once. Nothing else touches process.env. */
export interface Config {
  port: number;
  host: string;
  /** Where the embedded database keeps its files when no DATABASE_URL is given. */
  dataDir: string;
  /** A PostgreSQL connection string; when set, the embedded database is not used. */
  databaseUrl: string | undefined;
  /** Load the demo city into an empty database at start. */
  demoData: boolean;
  /** Offer "sign in as a demo user" (token hand-out) in the console; for demos only (default: embedded database). */
  demoSignIn: boolean;
  /** How many days after closure the reporter may reopen a case. */
  reopenWindowDays: number;
  logLevel: string;
  /** How often each instance runs the background sweeps (supervision, notifications, points), in seconds. */
  sweepIntervalSeconds: number;
  /** The city's SMS gateway; without it text messages are written to the log. */
  smsGatewayUrl: string | undefined;
  smsGatewayToken: string | undefined;
  /** The SMTP server for email (smtp://user:password@host:587); without it emails are written to the log. */
  smtpUrl: string | undefined;
  emailFrom: string;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: integer(env.PORT, 'PORT', 3000),
    host: env.HOST ?? '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    demoData: flag(env.DEMO_DATA, 'DEMO_DATA', true),
    // Demo sign-in hands out tokens to anyone: on by default only for the embedded (demo) database.
    demoSignIn: flag(env.DEMO_SIGN_IN, 'DEMO_SIGN_IN', !env.DATABASE_URL),
    reopenWindowDays: integer(env.REOPEN_WINDOW_DAYS, 'REOPEN_WINDOW_DAYS', 15),
    logLevel: env.LOG_LEVEL ?? 'info',
    sweepIntervalSeconds: integer(env.SWEEP_INTERVAL_SECONDS, 'SWEEP_INTERVAL_SECONDS', 60),
    smsGatewayUrl: env.SMS_GATEWAY_URL || undefined,
    smsGatewayToken: env.SMS_GATEWAY_TOKEN || undefined,
    smtpUrl: env.SMTP_URL || undefined,
    emailFrom: env.EMAIL_FROM || '12345 <noreply@localhost>',
  };
}

function integer(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new Error(`${name} must be a non-negative whole number, got "${value}"`);
  }
  return parsed;
}

function flag(value: string | undefined, name: string, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(value.toLowerCase())) return false;
  throw new Error(`${name} must be true or false, got "${value}"`);
}
