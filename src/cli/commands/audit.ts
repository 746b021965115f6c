import type { Command } from 'commander';
import {
  type AuditVerification,
  auditHead,
  readAnchorsIfAny,
  sealLegacyAudit,
  verifyAuditChain,
} from '../../audit/index.ts';
import { readConfig } from '../../config.ts';
import { progressReporter } from '../progress.ts';
import { openConfiguredDatabase, openKeyring } from '../runtime.ts';

export function auditCommand(program: Command) {
  const audit = program
    .command('audit')
    .description('The append-only audit log: check its hash chain, show its latest entry');

  audit
    .command('verify')
    .description(
      "Recompute every entry's hash, check the chain and each MAC (with the key file's keys) oldest first, then " +
        'the heads anchored in AUDIT_ANCHOR_FILE (or --anchors); exit 1 at the first broken entry',
    )
    .option('--anchors <file>', 'an anchor file to check against (default: AUDIT_ANCHOR_FILE)')
    .action(async (options: { anchors?: string }) => {
      const config = readConfig();
      const anchorFile = options.anchors ?? config.auditAnchorFile;
      const anchors = anchorFile ? await readAnchorsIfAny(anchorFile) : [];
      const handle = await openConfiguredDatabase(config);
      const progress = progressReporter('Verifying the audit log');
      let result: AuditVerification;
      try {
        const keys = await openKeyring(handle, config);
        result = await verifyAuditChain(handle.db, keys, {
          anchors,
          onProgress: (done, total) => progress.update(done, total),
        });
      } finally {
        progress.stop();
        await handle.close();
      }
      if (result.firstBad) {
        console.error(`audit log broken at entry ${result.firstBad.seq}: ${result.firstBad.reason}`);
        process.exitCode = 1;
      } else {
        console.log(
          `audit log intact: ${result.checked} entries` +
            (anchorFile ? `, ${anchors.length} anchored heads in ${anchorFile}` : ' (no anchor file to check)'),
        );
      }
    });

  audit
    .command('seal-legacy')
    .description(
      'Once, after upgrading a database written before audit entries were MACed: append one MACed entry that ' +
        'vouches for all entries before it, as they are now. Refused once any entry carries a MAC',
    )
    .action(async () => {
      const config = readConfig();
      const handle = await openConfiguredDatabase(config);
      try {
        const sealed = await sealLegacyAudit(handle.db, await openKeyring(handle, config), new Date());
        console.log(
          sealed
            ? `sealed audit entries 1 to ${sealed}: check them first with your own records, they are vouched for as they are`
            : 'nothing to seal',
        );
      } finally {
        await handle.close();
      }
    });

  audit
    .command('head')
    .description(
      "Print the latest entry's seq and hash as JSON (null when empty): note it elsewhere, since a chain alone cannot show that its tail was cut off",
    )
    .action(async () => {
      const handle = await openConfiguredDatabase();
      try {
        console.log(JSON.stringify(await auditHead(handle.db)));
      } finally {
        await handle.close();
      }
    });
}
