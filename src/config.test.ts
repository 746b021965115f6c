import { describe, expect, it } from 'vitest';
import { startupWarnings } from './cli/commands/serve.ts';
import { readConfig } from './config.ts';

describe('configuration', () => {
  it('should list demo users only where the demo city is loaded, and never in production', () => {
    expect(readConfig({}).demoSignIn).toBe(true);
    expect(readConfig({ DEMO_DATA: 'false' }).demoSignIn).toBe(false);
    expect(readConfig({ DATABASE_URL: 'postgres://db/city' }).demoSignIn).toBe(false);
    expect(readConfig({ NODE_ENV: 'production', CIVICGRID_KEY: 'x' }).demoSignIn).toBe(false);
    expect(() => readConfig({ NODE_ENV: 'production', DEMO_SIGN_IN: 'true' })).toThrow(
      /DEMO_SIGN_IN .* cannot be on in production/,
    );
  });

  it('should keep media on disk unless a bucket is named, and refuse a bucket without its keys', () => {
    expect(readConfig({}).mediaS3).toBeUndefined();
    expect(() => readConfig({ MEDIA_S3_BUCKET: 'case-media', MEDIA_S3_ACCESS_KEY_ID: 'id' })).toThrow(
      /MEDIA_S3_BUCKET is set: .*MEDIA_S3_SECRET_ACCESS_KEY must be set/,
    );
    const minio = readConfig({
      MEDIA_S3_ENDPOINT: 'http://minio:9000',
      MEDIA_S3_BUCKET: 'case-media',
      MEDIA_S3_ACCESS_KEY_ID: 'id',
      MEDIA_S3_SECRET_ACCESS_KEY: 'secret',
    });
    expect(minio.mediaS3).toEqual({
      endpoint: 'http://minio:9000',
      region: 'us-east-1',
      bucket: 'case-media',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
    });
  });

  it('should default the media limits, and take them from the environment in megabytes', () => {
    expect(readConfig({}).media).toEqual({
      maxFileBytes: 15 * 1024 * 1024,
      maxFilesPerStage: 9,
      maxPixels: 50_000_000,
      maxDistanceMetres: 500,
      maxAgeHours: 48,
      photosAtOnce: 1,
    });
    expect(readConfig({ MEDIA_MAX_FILE_MB: '4' }).media.maxFileBytes).toBe(4 * 1024 * 1024);
    expect(() => readConfig({ MEDIA_MAX_FILES_PER_STAGE: '0' })).toThrow(
      /MEDIA_MAX_FILES_PER_STAGE must be at least 1/,
    );
  });

  it('should rank from 10 dispatches unless told otherwise, and refuse a minimum that is no whole number above 0', () => {
    expect(readConfig({}).evaluationMinDispatches).toBe(10);
    expect(readConfig({ EVALUATION_MIN_DISPATCHES: '30' }).evaluationMinDispatches).toBe(30);
    expect(() => readConfig({ EVALUATION_MIN_DISPATCHES: '0' })).toThrow(
      /EVALUATION_MIN_DISPATCHES must be at least 1/,
    );
    expect(() => readConfig({ EVALUATION_MIN_DISPATCHES: 'ten' })).toThrow(
      /EVALUATION_MIN_DISPATCHES must be a non-negative whole number/,
    );
  });

  it('should warn at start about settings that weaken the defences', () => {
    const production = readConfig({ NODE_ENV: 'production', DATA_DIR: '/srv/civicgrid/data' });
    expect(startupWarnings(production, false)).toEqual([
      'SMS_GATEWAY_URL is not set: citizens cannot sign in by phone (codes are never written to the log in production)',
      'AUDIT_ANCHOR_FILE is not set: a cut-off tail of the audit log could not be told from a short log',
    ]);
    const inside = readConfig({ DATA_DIR: '/srv/civicgrid/data', AUDIT_ANCHOR_FILE: '/srv/civicgrid/data/anchors' });
    expect(startupWarnings(inside, true)).toEqual([
      'AUDIT_ANCHOR_FILE lies inside DATA_DIR: whoever can replace the database files can replace it too',
    ]);
    const apart = readConfig({ DATA_DIR: '/srv/civicgrid/data', AUDIT_ANCHOR_FILE: '/var/log/civicgrid/anchors' });
    expect(startupWarnings(apart, true)).toEqual([]);
  });
});
