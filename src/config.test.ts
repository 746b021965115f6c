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
