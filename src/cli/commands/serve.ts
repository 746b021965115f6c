import path from 'node:path';
import type { Command } from 'commander';
import { CityCalendar, loadShippedCalendars } from '../../calendar/index.ts';
import { type Config, readConfig } from '../../config.ts';
import { DEMO_PASSWORD, DEMO_USERS } from '../../demo/demo-city.ts';
import {
  demoCityLoaded,
  demoLoadInterrupted,
  demoUsersReady,
  isEmpty,
  type SeedReport,
  seedDemoCases,
  seedDemoStructure,
} from '../../demo/seed-demo.ts';
import { AreaLocator } from '../../grid/index.ts';
import { buildApp, CITY_TIME_ZONE, caseDepsOf } from '../../http/app.ts';
import { serverLoggerOptions } from '../../http/logging.ts';
import { registerPlatformDatasets } from '../../hub/index.ts';
import { systemClock } from '../../lib/clock.ts';
import { mediaStoreFromConfig } from '../../media/index.ts';
import { logSender, senderByChannel, smsGatewaySender, smtpSender } from '../../notifications/index.ts';
import { startSensorMqtt } from '../../sensors/index.ts';
import { startBackgroundSweeps } from '../background.ts';
import { describeDatabase, openConfiguredDatabase, openKeyring } from '../runtime.ts';
import {
  demoSeedOptions,
  describeSeed,
  INTERRUPTED_DEMO,
  loadDemoReferenceData,
  trainMissingDemoModels,
} from './seed-demo.ts';

const GRID_REFRESH_MS = 10_000;
const SHUTDOWN_GRACE_MS = 5_000;

export function serveCommand(program: Command) {
  program
    .command('serve')
    .description('Run the API and the web console (migrates first; loads the demo city into an empty database)')
    .option('--port <port>', 'port to listen on (default: PORT or 3000)')
    .option('--host <host>', 'address to listen on (default: HOST or 127.0.0.1)')
    .action(async (options: { port?: string; host?: string }) => {
      const config = readConfig({
        ...process.env,
        ...(options.port ? { PORT: options.port } : {}),
        ...(options.host ? { HOST: options.host } : {}),
      });
      console.log(`CivicGrid: using ${describeDatabase(config)}`);
      const handle = await openConfiguredDatabase(config);
      const areas = new AreaLocator(handle.db, config.placementSnapMetres);
      const calendar = new CityCalendar(handle.db, CITY_TIME_ZONE);
      const keyring = await openKeyring(handle, config);
      if (await demoLoadInterrupted(handle.db)) {
        await handle.close();
        throw new Error(INTERRUPTED_DEMO);
      }
      // A first start loads the demo city's structure (a few seconds) before listening, and its cases after:
      // the demo users can sign in at once and watch the cases arrive.
      let loadDemoCases: ((onProgress: (done: number, total: number) => void) => Promise<SeedReport>) | null = null;
      if (config.demoData && (await isEmpty(handle.db))) {
        const options = demoSeedOptions(handle.db, areas, keyring, config.reopenWindowDays);
        const structure = await seedDemoStructure(options);
        await loadDemoReferenceData(options);
        console.log(
          'Demo city 长沙: areas, handling bodies, categories and users loaded; its cases follow once listening.',
        );
        loadDemoCases = (onProgress) => seedDemoCases({ ...options, onProgress, othersMayAct: true }, structure);
      }
      await areas.reload();
      await loadShippedCalendars(handle.db);
      // The platform's own datasets in the catalogue, as the schema and the data classification now say.
      await registerPlatformDatasets(handle.db, systemClock.now());
      await calendar.reload();
      // A trail whose head has no MAC could not be extended: say so now, rather than refuse every change.
      const head = await handle.db
        .selectFrom('audit_log')
        .select(['seq', 'mac'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (head && !head.mac) {
        await handle.close();
        throw new Error(
          `The audit trail's latest entry (${head.seq}) has no MAC. After upgrading a database written before ` +
            'entries were MACed, run `civicgrid audit seal-legacy` once; otherwise the trail has been tampered with.',
        );
      }
      const phoneSignIn = !config.production || Boolean(config.smsGatewayUrl);
      for (const warning of startupWarnings(config, phoneSignIn)) console.warn(`CivicGrid: ${warning}`);
      const demoSignIn = config.demoSignIn && (await demoUsersReady(handle.db));

      let closing = false;
      const logger = serverLoggerOptions(config, Boolean(process.stdout.isTTY));
      // Several instances share one S3 bucket; alone, the files live beside the embedded database.
      const mediaStore = mediaStoreFromConfig({ dataDir: config.dataDir, s3: config.mediaS3 });
      // Without a gateway, messages go to the app's log (built below, before anything can be sent).
      const sender = senderByChannel(
        {
          sms: config.smsGatewayUrl ? smsGatewaySender(config.smsGatewayUrl, config.smsGatewayToken) : undefined,
          email: config.smtpUrl ? smtpSender(config.smtpUrl, config.emailFrom) : undefined,
        },
        logSender((details, message) => app.log.info(details, message), { showText: !config.production }),
      );
      const app = await buildApp(
        {
          db: handle.db,
          listen: handle.listen,
          clock: systemClock,
          config: { ...config, demoSignIn, phoneSignIn },
          areas,
          calendar,
          keyring,
          hardening: { perIpPerMinute: config.rateLimitPerMinute },
          media: { store: mediaStore, tempDir: path.join(config.dataDir, 'uploads'), limits: config.media },
          sender,
        },
        logger,
      );
      const cases = caseDepsOf({ db: handle.db, clock: systemClock, config, areas, calendar, keyring });
      // The sweeps begin once the demo's history is written: a sweep amid it would act on half-made cases.
      let stopSweeps = () => {};
      const startSweeps = () => {
        if (closing) return;
        stopSweeps = startBackgroundSweeps(
          {
            db: handle.db,
            clock: systemClock,
            sender,
            keyring,
            retentionDays: config.retentionDays,
            mediaStore,
            patrolTrackDays: config.patrolTrackDays,
            auditAnchorFile: config.auditAnchorFile,
            cases,
            log: app.log,
          },
          config.sweepIntervalSeconds,
        );
      };

      // Boundaries changed by another instance or by the grid commands reach this one within seconds.
      const refresh = setInterval(() => {
        areas
          .refreshIfChanged()
          .then((changed) => changed && app.log.info('boundaries changed: placement index rebuilt'))
          .catch((error) => app.log.warn({ err: error }, 'could not check for boundary changes'));
        calendar
          .refreshIfChanged()
          .then((changed) => changed && app.log.info('working calendar changed: reloaded'))
          .catch((error) => app.log.warn({ err: error }, 'could not check for calendar changes'));
      }, GRID_REFRESH_MS);
      refresh.unref();

      const training = new AbortController();
      const shutdown = async (signal: string) => {
        if (closing) return;
        closing = true;
        clearInterval(refresh);
        stopSweeps();
        training.abort();
        await mqtt?.stop();
        app.log.info(`${signal} received: finishing requests and closing the database`);
        // Requests in flight get a few seconds to finish; connections still open then (a client's idle
        // keep-alive socket would otherwise hold the process for the 72 s of Fastify's keep-alive) are cut.
        const grace = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        await app.close();
        clearTimeout(grace);
        await handle.close();
        process.exit(0);
      };
      process.on('SIGINT', () => void shutdown('SIGINT'));
      process.on('SIGTERM', () => void shutdown('SIGTERM'));

      await app.listen({ port: config.port, host: config.host });
      // Sensor readings over MQTT, when a broker is configured; it reconnects by itself and never ends the process.
      const mqtt = config.mqttUrl ? startSensorMqtt(cases, config.mqttUrl, app.log) : null;
      const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
      const address = `http://${shownHost}:${config.port}`;
      console.log(`\nCivicGrid is ready: console ${address}/  API docs ${address}/docs`);
      if (demoSignIn) console.log(DEMO_HINT);
      console.log('');
      const demoCases = loadDemoCases
        ? loadDemoCases(progressLines((line) => app.log.info(line))).then((report) =>
            app.log.info(describeSeed(report)),
          )
        : Promise.resolve();
      // The sweeps start whatever became of the demo: a server must not run without them.
      demoCases.then(
        () => {
          startSweeps();
          void trainDemoModels();
        },
        (error) => {
          // Stopped while loading, the next start says the demo is incomplete; anything else is told now.
          if (!closing) app.log.error({ err: error }, INTERRUPTED_DEMO);
          startSweeps();
        },
      );

      // Listening comes first: the demo's models are trained in a child process while the server answers
      // (the new-case form suggests without a model until they are stored).
      async function trainDemoModels() {
        const started = performance.now();
        try {
          if (closing || !(await demoCityLoaded(handle.db))) return;
          const { trained, skipped } = await trainMissingDemoModels(handle.db, {
            signal: training.signal,
            onStep: (step) => app.log.debug(step),
          });
          for (const reason of skipped) app.log.info(`${reason}; no suggestions until \`civicgrid model train\``);
          if (trained.length)
            app.log.info(
              `Suggestion models ready (${trained.join(', ')}), trained in ${((performance.now() - started) / 1000).toFixed(1)} s`,
            );
        } catch (error) {
          if (!closing) app.log.warn({ err: error }, 'could not train the demo models: run `civicgrid model train`');
        }
      }
    });
}

/** A log line at each tenth of the demo's cases: the server's log is no place for a progress bar. */
function progressLines(write: (line: string) => void): (done: number, total: number) => void {
  let lastTenth = -1;
  return (done, total) => {
    const tenth = Math.floor((done / total) * 10);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    write(`Loading the demo city's cases: ${done}/${total}`);
  };
}

const DEMO_HINT =
  `Demo city 长沙: on the sign-in page pick any demo user (password ${DEMO_PASSWORD}); the citizen 陈市民 can ` +
  `also sign in by phone (${DEMO_USERS.find((u) => u.username === 'citizen')?.phone}), the code appears in this log.`;

/** What an operator should hear at start about settings that weaken the defences. */
export function startupWarnings(config: Config, phoneSignIn: boolean): string[] {
  const warnings: string[] = [];
  if (!phoneSignIn) {
    warnings.push(
      'SMS_GATEWAY_URL is not set: citizens cannot sign in by phone (codes are never written to the log in production)',
    );
  }
  if (config.production && !config.auditAnchorFile) {
    warnings.push('AUDIT_ANCHOR_FILE is not set: a cut-off tail of the audit log could not be told from a short log');
  }
  const anchor = config.auditAnchorFile;
  if (anchor && !config.databaseUrl && !path.relative(config.dataDir, anchor).startsWith('..')) {
    warnings.push('AUDIT_ANCHOR_FILE lies inside DATA_DIR: whoever can replace the database files can replace it too');
  }
  return warnings;
}
