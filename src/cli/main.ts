import { Command, CommanderError } from 'commander';
import { auditChangingCommands } from './audit-commands.ts';

type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when that command runs: a command pulls in only the domains it uses
 * (the server's whole app is some 250 MB and 3 s to load, which `civicgrid import` has no use for). Help
 * without a command loads them all, to list them.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  serve: async () => (await import('./commands/serve.ts')).serveCommand,
  migrate: async () => (await import('./commands/migrate.ts')).migrateCommand,
  'seed-demo': async () => (await import('./commands/seed-demo.ts')).seedDemoCommand,
  grid: async () => (await import('./commands/grid.ts')).gridCommand,
  calendar: async () => (await import('./commands/calendar.ts')).calendarCommand,
  sweep: async () => (await import('./commands/sweep.ts')).sweepCommand,
  token: async () => (await import('./commands/token.ts')).tokenCommand,
  user: async () => (await import('./commands/user.ts')).userCommand,
  audit: async () => (await import('./commands/audit.ts')).auditCommand,
  keys: async () => (await import('./commands/keys.ts')).keysCommand,
  model: async () => (await import('./commands/model.ts')).modelCommand,
  open311: async () => (await import('./commands/open311.ts')).open311Command,
  'hot-issues': async () => (await import('./commands/hot-issues.ts')).hotIssuesCommand,
  import: async () => (await import('./commands/import.ts')).importCommand,
};

const program = new Command('civicgrid')
  .description('CivicGrid: city cases from report to closure, on the city grid')
  .showHelpAfterError()
  .exitOverride();

const named = process.argv[2];
const wanted =
  named && Object.hasOwn(COMMANDS, named) ? [COMMANDS[named] as () => Promise<Register>] : Object.values(COMMANDS);
for (const register of await Promise.all(wanted.map((load) => load()))) register(program);
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
