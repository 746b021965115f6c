import { randomUUID } from 'node:crypto';
import { connect, type MqttClient } from 'mqtt';
import type { CaseDeps } from '../cases/index.ts';
import { AppError } from '../lib/app-error.ts';
import { takeReadings } from './intake.ts';

/**
 * Every instance subscribes through one shared subscription ($share, MQTT 5 and Mosquitto ≥ 1.6), so the
 * broker gives each message to one instance rather than to all of them.
 */
const READINGS_SUBSCRIPTION = '$share/civicgrid/civicgrid/devices/+/readings';
const TOPIC = /^civicgrid\/devices\/([^/]+)\/readings$/;
/** A broker that went away is tried again this often, for as long as the server runs. */
const RECONNECT_MS = 5_000;

interface Log {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/**
 * Takes in readings from an MQTT broker (MQTT_URL): devices publish to `civicgrid/devices/<deviceId>/readings`
 * the JSON envelope `{ "timestamp": "<Unix seconds>", "signature": "sha256=<hex>", "body": "<the readings'
 * JSON, as signed>" }` (MQTT 3.1.1 has no headers), and each message goes through the same intake as an
 * HTTP one. The client reconnects by itself; a broker that is down or refuses us is logged, never fatal.
 */
export function startSensorMqtt(deps: CaseDeps, url: string, log: Log): { client: MqttClient; stop(): Promise<void> } {
  const client = connect(url, {
    clientId: `civicgrid-${randomUUID()}`,
    reconnectPeriod: RECONNECT_MS,
    connectTimeout: 10_000,
  });
  client.on('connect', () => {
    client.subscribe(READINGS_SUBSCRIPTION, { qos: 1 }, (error) => {
      if (error) log.warn({ err: error }, 'sensor feeds: could not subscribe to the readings topic');
      else log.info({ broker: redacted(url) }, 'sensor feeds: subscribed to device readings');
    });
  });
  client.on('error', (error) => log.warn({ err: error }, 'sensor feeds: MQTT error; reconnecting'));
  client.on('offline', () => log.warn({ broker: redacted(url) }, 'sensor feeds: MQTT broker unreachable; retrying'));
  client.on('message', (topic, payload) => {
    const caseError = (ruleCode: string, error: unknown) =>
      log.warn({ err: error, topic, ruleCode }, 'sensor feeds: a breach’s case could not be filed');
    void takeMqttMessage(deps, topic, payload, caseError).catch((error) => {
      if (error instanceof AppError) log.info({ topic, code: error.code, details: error.details }, error.message);
      else log.warn({ err: error, topic }, 'sensor feeds: a reading message could not be taken in');
    });
  });
  return { client, stop: () => client.endAsync() };
}

/** One MQTT message through the common intake. */
async function takeMqttMessage(
  deps: CaseDeps,
  topic: string,
  payload: Buffer,
  onCaseError: (ruleCode: string, error: unknown) => void,
) {
  const deviceId = TOPIC.exec(topic)?.[1] ?? '';
  let envelope: { timestamp?: unknown; signature?: unknown; body?: unknown } = {};
  try {
    envelope = JSON.parse(payload.toString('utf8')) ?? {};
  } catch {
    // Not an envelope: refused below as unsigned, like an HTTP request without its headers.
  }
  return takeReadings(
    deps,
    {
      deviceId,
      timestamp: typeof envelope.timestamp === 'string' ? envelope.timestamp : String(envelope.timestamp ?? ''),
      signature: typeof envelope.signature === 'string' ? envelope.signature : undefined,
      body: typeof envelope.body === 'string' ? envelope.body : '',
      via: 'mqtt',
      origin: {},
    },
    onCaseError,
  );
}

/** The broker's address without its password, for the log. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable MQTT_URL)';
  }
}
