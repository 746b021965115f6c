import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { type Config, readConfig } from '../../config.ts';
import {
  type Keyring,
  type KeyUse,
  keysInUse,
  keyUses,
  loadKeyring,
  resealPersonalData,
  retireKeys,
  rotateKeyFile,
} from '../../privacy/index.ts';
import { progressReporter } from '../progress.ts';
import { openConfiguredDatabase, openKeyring } from '../runtime.ts';

/** Servers read the key file once, at start: said with every rotation, since forgetting it breaks them. */
const RESTART_SERVERS =
  'Servers load the key file when they start: stop them before rotating (the embedded database allows no ' +
  'other process anyway) or restart them right after, or they cannot open data sealed under the new key.';

function keyFileRequired(config: Config): Error {
  return new Error(
    'keys rotate needs CIVICGRID_KEY_FILE: rotation adds a new key to a key file, and a key given in ' +
      'CIVICGRID_KEY (or the development key) cannot be rotated. ' +
      (config.envKey
        ? 'To move to a key file, write one (mode 600) that holds the CIVICGRID_KEY key with id "env": ' +
          '{"current": "env", "keys": [{"id": "env", "key": "<CIVICGRID_KEY>", "createdAt": "<now>"}]}, ' +
          'set CIVICGRID_KEY_FILE to it and unset CIVICGRID_KEY.'
        : 'Set CIVICGRID_KEY_FILE to the key file (JSON, mode 600) the servers use.'),
  );
}

/**
 * The keyring a server with this configuration would use, without side effects: unlike starting a server,
 * looking at the keys never generates a development key nor seals anything.
 */
function configuredKeyring(config: Config): { keyring: Keyring; source: string } {
  const developmentFile = join(config.dataDir, 'keys.json');
  const keyFile =
    config.keyFile ??
    (!config.envKey && !config.production && existsSync(developmentFile) ? developmentFile : undefined);
  if (!keyFile && !config.envKey) {
    throw new Error('No data-encryption key is configured: set CIVICGRID_KEY_FILE (or CIVICGRID_KEY)');
  }
  const keyring = loadKeyring({
    keyFile,
    envKey: config.envKey,
    dataDir: config.dataDir,
    production: config.production,
    warn: (message) => console.warn(message),
  });
  return { keyring, source: keyFile ?? 'CIVICGRID_KEY' };
}

export function keysCommand(program: Command) {
  const keys = program
    .command('keys')
    .description('The data-encryption keys personal data is sealed with (CIVICGRID_KEY_FILE)');

  keys
    .command('rotate')
    .description(
      'Add a new current key to the key file and re-seal all personal data under it, with a progress bar; ' +
        `prints the counts re-sealed as JSON. ${RESTART_SERVERS}`,
    )
    .option(
      '--retire',
      'then remove from the key file every key no sealed value uses any more (a backup of a removed key is ' +
        'the only way to open an old database dump sealed under it)',
    )
    .action(async (options: { retire?: boolean }) => {
      const config = readConfig();
      // Checked before anything is opened or written.
      if (!config.keyFile) throw keyFileRequired(config);
      const keyFile = config.keyFile;
      const handle = await openConfiguredDatabase(config);
      const progress = progressReporter('Re-sealing personal data under the new key');
      let result: { currentKeyId: string; resealed: Omit<KeyUse, 'auditEntries'>; retiredKeyIds?: string[] };
      try {
        const { newKeyId } = rotateKeyFile(keyFile);
        // Loaded after the rotation, so identities still in clear are sealed straight under the new key.
        const keyring = await openKeyring(handle, config);
        // An interrupted run is safe: the old keys stay in the file, and running `keys rotate` again
        // re-seals whatever is still under them.
        const resealed = await resealPersonalData(handle.db, keyring, (done, total) => {
          if (total > 0) progress.update(done, total);
        });
        result = { currentKeyId: newKeyId, resealed };
        if (options.retire) {
          // Only keys nothing is sealed under any more: a value left under an old key (say, a row another
          // process held locked) keeps its key in the file.
          result.retiredKeyIds = retireKeys(keyFile, await keysInUse(handle.db)).retiredIds;
        }
      } finally {
        progress.stop();
        await handle.close();
      }
      console.log(JSON.stringify(result));
      console.error(RESTART_SERVERS);
    });

  keys
    .command('status')
    .description(
      'Print as JSON the current key id, the ids of the keys configured (never the keys) and how many sealed ' +
        'values each still seals; keys the data needs but the key file lacks are listed as missing',
    )
    .action(async () => {
      const config = readConfig();
      const { keyring, source } = configuredKeyring(config);
      const handle = await openConfiguredDatabase(config);
      try {
        const counts = await keyUses(handle.db);
        const none: KeyUse = {
          persons: 0,
          caseItems: 0,
          requests: 0,
          signInCodes: 0,
          photoEvidence: 0,
          deviceKeys: 0,
          auditEntries: 0,
        };
        const ids = keyring.ids();
        console.log(
          JSON.stringify({
            source,
            currentKeyId: keyring.current.id,
            keys: ids.map((id) => ({ id, current: id === keyring.current.id, sealed: counts.get(id) ?? none })),
            // Data under these cannot be opened with this configuration.
            missing: [...counts.keys()]
              .filter((id) => !ids.includes(id))
              .sort()
              .map((id) => ({ id, sealed: counts.get(id)! })),
          }),
        );
      } finally {
        await handle.close();
      }
    });
}
