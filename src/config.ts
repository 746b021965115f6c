import path from 'node:path';
import { CITIZEN_CASES_PER_DAY } from './cases/case-deps.ts';
import { DEFAULT_MIN_DISPATCHES } from './evaluation/indicators.ts';
import type { BasemapTiles } from './grid/grid.routes.ts';
import { PLACEMENT_SNAP_METRES } from './grid/placement.ts';
import type { MediaLimits } from './media/media.ts';
import { PATROL_TRACK_DAYS } from './patrols/patrols.ts';

/** Everything the process reads from its environment, read once. Nothing else touches process.env. */
/** The city's time zone: its days, years and wall-clock times (China has one zone, without daylight saving). */
export const CITY_TIME_ZONE = 'Asia/Shanghai';

export interface Config {
  port: number;
  host: string;
  /** Where the embedded database keeps its files when no DATABASE_URL is given. */
  dataDir: string;
  /** A PostgreSQL connection string; when set, the embedded database is not used. */
  databaseUrl: string | undefined;
  /** Load the demo city into an empty database at start. */
  demoData: boolean;
  /** Show the demo users and their shared password on the sign-in page; for demos only (default: with DEMO_DATA; never in production). */
  demoSignIn: boolean;
  /** How many days after closure the reporter may reopen a case. */
  reopenWindowDays: number;
  /** How many cases one citizen account may report in 24 hours. */
  citizenCasesPerDay: number;
  /** The evaluation ranks a body or area only from this many dispatches in the period (EVALUATION_MIN_DISPATCHES). */
  evaluationMinDispatches: number;
  logLevel: string;
  /** LOG_FORMAT: `pretty` lines or `json` (one object a line, for log stores); unset: pretty on a terminal or outside production. */
  logFormat: 'pretty' | 'json' | undefined;
  /** How often each instance runs the background sweeps (supervision, notifications, points), in seconds. */
  sweepIntervalSeconds: number;
  /** The city's SMS gateway; without it text messages are written to the log. */
  smsGatewayUrl: string | undefined;
  smsGatewayToken: string | undefined;
  /** The SMTP server for email (smtp://user:password@host:587); without it emails are written to the log. */
  smtpUrl: string | undefined;
  emailFrom: string;
  /** The MQTT broker devices publish their readings to (mqtt://, mqtts://, ws://); without it, HTTP only. */
  mqttUrl: string | undefined;
  /** NODE_ENV=production: no development key is generated, cookies are Secure by default. */
  production: boolean;
  /** Open311: the jurisdiction_id this server answers for, and whom client developers ask for help and keys. */
  open311: { jurisdictionId: string; contact: string };
  /** CIVICGRID_KEY_FILE: the key file personal data is sealed with (see `civicgrid keys`). */
  keyFile: string | undefined;
  /** CIVICGRID_KEY: base64 of a 32-byte key, when there is no key file. */
  envKey: string | undefined;
  /**
   * AUDIT_ANCHOR_FILE: where the audit log's head is appended from time to time, outside the database and
   * DATA_DIR, so that a log cut short or rewritten no longer matches it (`civicgrid audit verify` checks).
   */
  auditAnchorFile: string | undefined;
  /** Send the session cookie only over HTTPS (COOKIE_SECURE; default on in production). */
  secureCookies: boolean;
  /** A console session ends after this many minutes without a request, and after the absolute hours in any case. */
  sessions: { idleMinutes: number; absoluteHours: number };
  /** Reporters of cases closed longer ago than this are anonymised by the retention sweep. */
  retentionDays: number;
  /** A grid worker's patrol tracks are deleted after this many days (PATROL_TRACK_DAYS). */
  patrolTrackDays: number;
  /**
   * A point at most this many metres outside every area is placed on the nearest one, marked as snapped
   * (PLACEMENT_SNAP_METRES; 0: never). Why 50 by default: see PLACEMENT_SNAP_METRES.
   */
  placementSnapMetres: number;
  /** Requests per minute one address may make (RATE_LIMIT_PER_MINUTE; a hotline centre shares one address). */
  rateLimitPerMinute: number;
  /**
   * Behind reverse proxies: how many of them to trust in X-Forwarded-For (TRUST_PROXY, e.g. 1), for limits,
   * lockout and the audit trail. Never "all": a client could then name any address it liked.
   */
  trustProxy: number;
  /** An S3 bucket (or MinIO, via MEDIA_S3_ENDPOINT) for case photos and documents; without it, DATA_DIR/media. */
  mediaS3:
    | { endpoint: string | undefined; region: string; bucket: string; accessKeyId: string; secretAccessKey: string }
    | undefined;
  /** What one upload may be, and when a photo is flagged as taken too far from the case or too long before it. */
  media: MediaLimits;
  /**
   * Raster tiles drawn under the city's boundaries on the console's maps (MAP_TILE_URL, e.g. the city's
   * GIS or 天地图 with the city's key, and MAP_TILE_ATTRIBUTION); none by default.
   */
  mapTiles: BasemapTiles | undefined;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  // The demo's users share a published password: never loaded by default into a production database.
  const demoData = flag(env.DEMO_DATA, 'DEMO_DATA', !env.DATABASE_URL && !production);
  // The demo sign-in lists users and shows that password to anyone: only where the demo city is loaded.
  const demoSignIn = flag(env.DEMO_SIGN_IN, 'DEMO_SIGN_IN', demoData);
  if (demoSignIn && production) {
    throw new Error('DEMO_SIGN_IN shows every demo user and their shared password: it cannot be on in production');
  }
  return {
    port: integer(env.PORT, 'PORT', 3000),
    host: env.HOST ?? '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    demoData,
    demoSignIn,
    reopenWindowDays: integer(env.REOPEN_WINDOW_DAYS, 'REOPEN_WINDOW_DAYS', 15),
    citizenCasesPerDay: positive(env.CITIZEN_CASES_PER_DAY, 'CITIZEN_CASES_PER_DAY', CITIZEN_CASES_PER_DAY),
    evaluationMinDispatches: positive(
      env.EVALUATION_MIN_DISPATCHES,
      'EVALUATION_MIN_DISPATCHES',
      DEFAULT_MIN_DISPATCHES,
    ),
    logLevel: env.LOG_LEVEL ?? 'info',
    logFormat: oneOf(env.LOG_FORMAT, 'LOG_FORMAT', ['pretty', 'json'] as const),
    sweepIntervalSeconds: integer(env.SWEEP_INTERVAL_SECONDS, 'SWEEP_INTERVAL_SECONDS', 60),
    smsGatewayUrl: env.SMS_GATEWAY_URL || undefined,
    smsGatewayToken: env.SMS_GATEWAY_TOKEN || undefined,
    smtpUrl: env.SMTP_URL || undefined,
    emailFrom: env.EMAIL_FROM || '12345 <noreply@localhost>',
    mqttUrl: env.MQTT_URL || undefined,
    production,
    keyFile: env.CIVICGRID_KEY_FILE || undefined,
    envKey: env.CIVICGRID_KEY || undefined,
    auditAnchorFile: env.AUDIT_ANCHOR_FILE ? path.resolve(env.AUDIT_ANCHOR_FILE) : undefined,
    secureCookies: flag(env.COOKIE_SECURE, 'COOKIE_SECURE', env.NODE_ENV === 'production'),
    sessions: {
      idleMinutes: positive(env.SESSION_IDLE_MINUTES, 'SESSION_IDLE_MINUTES', 120),
      absoluteHours: positive(env.SESSION_ABSOLUTE_HOURS, 'SESSION_ABSOLUTE_HOURS', 12),
    },
    retentionDays: positive(env.RETENTION_DAYS, 'RETENTION_DAYS', 3 * 365),
    patrolTrackDays: positive(env.PATROL_TRACK_DAYS, 'PATROL_TRACK_DAYS', PATROL_TRACK_DAYS),
    placementSnapMetres: integer(env.PLACEMENT_SNAP_METRES, 'PLACEMENT_SNAP_METRES', PLACEMENT_SNAP_METRES),
    rateLimitPerMinute: positive(env.RATE_LIMIT_PER_MINUTE, 'RATE_LIMIT_PER_MINUTE', 1200),
    trustProxy: integer(env.TRUST_PROXY, 'TRUST_PROXY', 0),
    open311: {
      jurisdictionId: env.OPEN311_JURISDICTION_ID || 'civicgrid',
      contact: env.OPEN311_CONTACT || 'The city’s 12345 service centre (12345 政务服务便民热线)',
    },
    mediaS3: mediaS3(env),
    mapTiles: mapTiles(env),
    media: {
      maxFileBytes: positive(env.MEDIA_MAX_FILE_MB, 'MEDIA_MAX_FILE_MB', 15) * 1024 * 1024,
      maxFilesPerStage: positive(env.MEDIA_MAX_FILES_PER_STAGE, 'MEDIA_MAX_FILES_PER_STAGE', 9),
      maxPixels: positive(env.MEDIA_MAX_PIXELS, 'MEDIA_MAX_PIXELS', 50_000_000),
      maxDistanceMetres: positive(env.MEDIA_MAX_DISTANCE_METRES, 'MEDIA_MAX_DISTANCE_METRES', 500),
      maxAgeHours: positive(env.MEDIA_MAX_AGE_HOURS, 'MEDIA_MAX_AGE_HOURS', 48),
      photosAtOnce: positive(env.MEDIA_PHOTOS_AT_ONCE, 'MEDIA_PHOTOS_AT_ONCE', 1),
    },
  };
}

/**
 * MAP_TILE_URL: a raster tile template ({z}/{x}/{y}, web mercator). The browsers of the console fetch the
 * tiles themselves, so the address (and any key in it) is served to signed-in and anonymous pages alike.
 */
function mapTiles(env: NodeJS.ProcessEnv): Config['mapTiles'] {
  const url = env.MAP_TILE_URL;
  if (!url) return undefined;
  const missing = ['{z}', '{x}', '{y}'].filter((part) => !url.includes(part));
  if (missing.length) {
    throw new Error(
      `MAP_TILE_URL must be a tile template with {z}, {x} and {y}; "${url}" has no ${missing.join(', ')}`,
    );
  }
  let address: URL;
  try {
    address = new URL(url.replaceAll(/\{[a-z]+\}/g, '0'));
  } catch {
    throw new Error(`MAP_TILE_URL must be an http(s) address, got "${url}"`);
  }
  if (address.protocol !== 'https:' && address.protocol !== 'http:') {
    throw new Error(`MAP_TILE_URL must be an http(s) address, got "${url}"`);
  }
  return { url, origin: address.origin, attribution: env.MAP_TILE_ATTRIBUTION || address.host };
}

/** MEDIA_S3_BUCKET turns S3 on; a bucket without its keys is a mistake to stop at, not a reason to fall back to disk. */
function mediaS3(env: NodeJS.ProcessEnv): Config['mediaS3'] {
  const bucket = env.MEDIA_S3_BUCKET;
  if (!bucket) return undefined;
  const accessKeyId = env.MEDIA_S3_ACCESS_KEY_ID;
  const secretAccessKey = env.MEDIA_S3_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('MEDIA_S3_BUCKET is set: MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY must be set too');
  }
  return {
    endpoint: env.MEDIA_S3_ENDPOINT || undefined,
    region: env.MEDIA_S3_REGION || 'us-east-1',
    bucket,
    accessKeyId,
    secretAccessKey,
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

function positive(value: string | undefined, name: string, fallback: number): number {
  const parsed = integer(value, name, fallback);
  if (parsed === 0) throw new Error(`${name} must be at least 1`);
  return parsed;
}

function flag(value: string | undefined, name: string, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(value.toLowerCase())) return false;
  throw new Error(`${name} must be true or false, got "${value}"`);
}

/** An optional setting that must be one of a few words. */
function oneOf<T extends string>(value: string | undefined, name: string, allowed: readonly T[]): T | undefined {
  if (!value) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new Error(`${name} must be ${allowed.join(' or ')}, got "${value}"`);
  return value as T;
}
