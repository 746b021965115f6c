import { Command, CommanderError } from 'commander';
import { auditChangingCommands } from './audit-commands.ts';
import { auditCommand } from './commands/audit.ts';
import { calendarCommand } from './commands/calendar.ts';
import { gridCommand } from './commands/grid.ts';
import { hotIssuesCommand } from './commands/hot-issues.ts';
import { importCommand } from './commands/import.ts';
import { keysCommand } from './commands/keys.ts';
import { migrateCommand } from './commands/migrate.ts';
import { modelCommand } from './commands/model.ts';
import { open311Command } from './commands/open311.ts';
import { seedDemoCommand } from './commands/seed-demo.ts';
import { serveCommand } from './commands/serve.ts';
import { sweepCommand } from './commands/sweep.ts';
import { tokenCommand } from './commands/token.ts';
import { userCommand } from './commands/user.ts';

const program = new Command('civicgrid')
  .description('CivicGrid: city cases from report to closure, on the city grid')
  .showHelpAfterError()
  .exitOverride();

for (const register of [
  serveCommand,
  migrateCommand,
  seedDemoCommand,
  gridCommand,
  calendarCommand,
  sweepCommand,
  tokenCommand,
  userCommand,
  auditCommand,
  keysCommand,
  modelCommand,
  open311Command,
  hotIssuesCommand,
  importCommand,
]) {
  register(program);
}
auditChangingCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else {
    // A clear line for people; the stack only when asked for (DEBUG=1).
    console.error(`civicgrid: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.DEBUG && error instanceof Error) console.error(error.stack);
    process.exitCode = 1;
  }
}
