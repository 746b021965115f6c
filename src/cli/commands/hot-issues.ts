import fs from 'node:fs';
import type { Command } from 'commander';
import { CITY_TIME_ZONE } from '../../http/app.ts';
import { caseHotIssuesCsv, hotIssuesOfCases, periodOfDays } from '../../insight/index.ts';
import { startOfLocalDate } from '../../lib/local-date.ts';
import {
  EXPORT_DISTRICTS,
  gazetteerForMessages,
  type HotIssueMessage,
  hotIssuesCsv,
  mineHotIssues,
  readMessageFile,
} from '../../text/index.ts';
import { progressReporter } from '../progress.ts';
import { openConfiguredDatabase } from '../runtime.ts';

const DAY_MS = 86_400_000;

/** The first instant of a YYYY-MM-DD day in the city's time, or an error naming the option. */
function cityDayStart(option: string, value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const parsed = m ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
    throw new Error(`${option} must be a date as YYYY-MM-DD, got "${value}"`);
  }
  return startOfLocalDate(value, CITY_TIME_ZONE).getTime();
}

interface HotIssuesOptions {
  file?: string;
  from?: string;
  to?: string;
  top: string;
  out?: string;
}

export function hotIssuesCommand(program: Command) {
  program
    .command('hot-issues')
    .description(
      "Find hot issues (热点问题): the same problem at the same place over weeks, ranked by heat, in the city's cases or a message export; prints CSV",
    )
    .option(
      '--file <csv>',
      'a message export with the platform headers (留言编号, 留言主题, 留言时间, …) instead of the cases',
    )
    .option('--from <date>', 'first day, YYYY-MM-DD in city time, inclusive (cases: default 90 days before --to)')
    .option('--to <date>', 'last day, YYYY-MM-DD in city time, inclusive (cases: default today)')
    .option('--top <n>', 'how many issues', '10')
    .option('--out <file>', 'write the CSV here instead of standard output (UTF-8 with BOM, for Excel)')
    .action(async (options: HotIssuesOptions) => {
      const top = Number(options.top);
      if (!Number.isInteger(top) || top < 1)
        throw new Error(`--top must be a positive whole number, got "${options.top}"`);
      const from = options.from === undefined ? -Infinity : cityDayStart('--from', options.from);
      const to = options.to === undefined ? Infinity : cityDayStart('--to', options.to) + DAY_MS;
      if (from >= to) throw new Error(`--from ${options.from} is after --to ${options.to}`);
      const csv = options.file ? hotIssuesOfFile(options.file, from, to, top) : await hotIssuesOfDatabase(options, top);
      if (options.out) {
        fs.writeFileSync(options.out, csv);
        process.stderr.write(`hot issues written to ${options.out}\n`);
      } else {
        process.stdout.write(csv);
      }
    });
}

function hotIssuesOfFile(file: string, from: number, to: number, top: number): string {
  if (!fs.existsSync(file)) throw new Error(`no such file: ${file}`);
  const all = readMessageFile(file);
  const messages: HotIssueMessage[] = all.filter((m) => m.writtenAt.getTime() >= from && m.writtenAt.getTime() < to);
  const gazetteer = gazetteerForMessages(all);
  const progress = progressReporter(`Mining ${messages.length} messages`);
  let issues: ReturnType<typeof mineHotIssues>;
  try {
    issues = mineHotIssues(messages, gazetteer, { onProgress: (done, total) => progress.update(done, total) });
  } finally {
    progress.stop();
  }
  return hotIssuesCsv(issues.slice(0, top), new Map(EXPORT_DISTRICTS.map((d) => [d.areaCode, d.name])));
}

/** Every case of the period, city-wide (the command runs as the operator of the server). */
async function hotIssuesOfDatabase(options: HotIssuesOptions, top: number): Promise<string> {
  const period = periodOfDays(options, new Date(), CITY_TIME_ZONE, Number.POSITIVE_INFINITY);
  const handle = await openConfiguredDatabase();
  try {
    return caseHotIssuesCsv(await hotIssuesOfCases(handle.db, period, top));
  } finally {
    await handle.close();
  }
}
