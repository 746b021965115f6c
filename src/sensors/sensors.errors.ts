import { defineError } from '../lib/app-error.ts';

/**
 * One answer for an unknown device, a missing or wrong signature: a caller without the key learns nothing
 * from it (not even whether the device exists).
 */
export const badSignature = defineError('SENSOR_ERR_SIGNATURE', 401, () => ({
  message:
    'The message is not signed with the device key: send X-CivicGrid-Timestamp (Unix seconds) and X-CivicGrid-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">',
}));

/** Signed by the device, but too old or too far ahead: a replay, or a device whose clock is wrong. */
export const staleTimestamp = defineError('SENSOR_ERR_STALE_TIMESTAMP', 401, (skewSeconds: number, limit: number) => ({
  message: `The message's timestamp is ${skewSeconds} s from the server's clock; at most ${limit} s is accepted`,
  details: { skewSeconds, limitSeconds: limit },
}));

export const malformedReadings = defineError(
  'SENSOR_ERR_MALFORMED',
  400,
  (problems: { index: number | null; reason: string }[], counts: Record<string, number>) => ({
    message: `${problems.length} reading(s) could not be read: ${problems
      .slice(0, 3)
      .map((p) => (p.index === null ? p.reason : `#${p.index}: ${p.reason}`))
      .join('; ')}`,
    details: { problems: problems.slice(0, 100), ...counts },
  }),
);

/** A device type named in a request body: the request is wrong, not the URL. */
export const unknownDeviceType = defineError('SENSOR_ERR_UNKNOWN_TYPE', 400, (code: string) => ({
  message: `There is no device type ${code} to register the device under`,
  details: { code },
}));

export const deviceTypeTaken = defineError('SENSOR_ERR_TYPE_TAKEN', 409, (code: string) => ({
  message: `The device type ${code} exists already`,
  details: { code },
}));

export const badRule = defineError('SENSOR_ERR_BAD_RULE', 400, (message: string) => ({ message }));
