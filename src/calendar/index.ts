export { calendarRoutes } from './calendar.routes.ts';
export type { CalendarTables } from './calendar.tables.ts';
export { CityCalendar, calendarYear, loadShippedCalendars, replaceCalendarYear } from './city-calendar.ts';
export { CHINA_2026 } from './cn-2026.ts';
export {
  type CalendarDay,
  type CalendarDayKind,
  checkCalendarDays,
  DEFAULT_WORKING_PERIODS,
  WorkingCalendar,
  type WorkingPeriod,
} from './working-calendar.ts';
