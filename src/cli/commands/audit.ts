import type { Command } from 'commander';
import { type AuditVerification, auditHead, verifyAuditChain } from '../../audit/index.ts';
import { progressReporter } from '../progress.ts';
import { openConfiguredDatabase } from '../runtime.ts';

export function auditCommand(program: Command) {
  const audit = program
    .command('audit')
    .description('The append-only audit log: check its hash chain, show its latest entry');

  audit
    .command('verify')
    .description("Recompute every entry's hash and check the chain, oldest first; exit 1 at the first broken entry")
    .action(async () => {
      const handle = await openConfiguredDatabase();
      const progress = progressReporter('Verifying the audit log');
      let result: AuditVerification;
      try {
        result = await verifyAuditChain(handle.db, (done, total) => progress.update(done, total));
      } finally {
        progress.stop();
        await handle.close();
      }
      if (result.firstBad) {
        console.error(`audit log broken at entry ${result.firstBad.seq}: ${result.firstBad.reason}`);
        process.exitCode = 1;
      } else {
        console.log(`audit log intact: ${result.checked} entries`);
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
