import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../db/database.ts';
import { defineError } from '../lib/app-error.ts';
import { errorResponses } from '../lib/http-schemas.ts';
import { type CityCalendar, calendarYear, replaceCalendarYear } from './city-calendar.ts';
import { checkCalendarDays } from './working-calendar.ts';

const badCalendar = defineError('CALENDAR_ERR_INVALID', 400, (problems: string[]) => ({
  message: `The calendar has ${problems.length} problem(s): ${problems.slice(0, 5).join('; ')}`,
  details: { problems },
}));

const Day = Type.Object(
  {
    date: Type.String({ format: 'date' }),
    kind: Type.Enum(['holiday', 'workday'], {
      description: 'holiday: a day off; workday: an adjusted working day (调休)',
    }),
    nameZh: Type.String({ minLength: 1, maxLength: 50 }),
    nameEn: Type.String({ minLength: 1, maxLength: 100 }),
  },
  { additionalProperties: false },
);

const YearParams = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) });

const CalendarResponse = Type.Object({
  year: Type.Integer(),
  minutesPerWorkingDay: Type.Integer(),
  days: Type.Array(Day),
});

export const calendarRoutes: FastifyPluginAsyncTypebox<{ db: Db; calendar: CityCalendar }> = async (
  app,
  { db, calendar },
) => {
  app.get(
    '/calendar/:year',
    {
      config: { public: true },
      schema: {
        tags: ['calendar'],
        summary: "A year's public holidays and adjusted working days (调休) that deadlines are counted on",
        params: YearParams,
        response: { 200: CalendarResponse, ...errorResponses(400, 401) },
      },
    },
    async (request) => ({
      year: request.params.year,
      minutesPerWorkingDay: calendar.current.minutesPerWorkingDay,
      days: await calendarYear(db, request.params.year),
    }),
  );

  app.put(
    '/calendar/:year',
    {
      config: { action: 'calendar.edit' },
      schema: {
        tags: ['calendar'],
        summary: "Replace a year's holidays and adjusted working days (the State Council's notice for that year)",
        params: YearParams,
        body: Type.Object({ days: Type.Array(Day, { maxItems: 366 }) }, { additionalProperties: false }),
        response: { 200: CalendarResponse, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { year } = request.params;
      const { days, problems } = checkCalendarDays(request.body.days);
      const outside = days.filter((d) => !d.date.startsWith(`${year}-`)).map((d) => `${d.date} is not in ${year}`);
      if (problems.length || outside.length) throw badCalendar([...problems, ...outside]);
      await replaceCalendarYear(db, year, days);
      await calendar.reload();
      return { year, minutesPerWorkingDay: calendar.current.minutesPerWorkingDay, days: await calendarYear(db, year) };
    },
  );
};
