import fs from 'node:fs';
import type { Command } from 'commander';
import { calendarYear, checkCalendarDays, replaceCalendarYear } from '../../calendar/index.ts';
import { openConfiguredDatabase } from '../runtime.ts';

export function calendarCommand(program: Command) {
  const calendar = program
    .command('calendar')
    .description("The working calendar deadlines are counted on: each year's holidays and adjusted working days");

  calendar
    .command('load')
    .description("Replace a year's days from a JSON file: [{ date, kind: holiday|workday, nameZh, nameEn }, …]")
    .argument('<file>', 'e.g. src/calendar/cn-2026.json (the format); running servers pick it up within seconds')
    .requiredOption('--year <year>', 'the year the file is for; every date must fall in it')
    .action(async (file: string, options: { year: string }) => {
      const year = Number(options.year);
      if (!Number.isInteger(year) || year < 2000 || year > 2100)
        throw new Error(`--year must be a year, got "${options.year}"`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (error) {
        throw new Error(`cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      const { days, problems } = checkCalendarDays(parsed);
      const outside = days.filter((d) => !d.date.startsWith(`${year}-`)).map((d) => `${d.date} is not in ${year}`);
      if (problems.length || outside.length) {
        throw new Error(`${file} is not a valid calendar:\n  ${[...problems, ...outside].join('\n  ')}`);
      }
      const handle = await openConfiguredDatabase();
      try {
        await replaceCalendarYear(handle.db, year, days);
        const holidays = days.filter((d) => d.kind === 'holiday').length;
        console.log(`Calendar ${year} loaded: ${holidays} holidays, ${days.length - holidays} adjusted working days.`);
      } finally {
        await handle.close();
      }
    });

  calendar
    .command('show')
    .description("Print a year's holidays and adjusted working days")
    .argument('<year>')
    .action(async (year: string) => {
      const handle = await openConfiguredDatabase();
      try {
        const days = await calendarYear(handle.db, Number(year));
        if (!days.length) console.log(`No calendar for ${year}: only weekends are days off.`);
        for (const d of days) console.log(`${d.date}  ${d.kind === 'holiday' ? '休' : '班'}  ${d.nameZh}  ${d.nameEn}`);
      } finally {
        await handle.close();
      }
    });
}
