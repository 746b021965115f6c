import type { CalendarDayKind } from './working-calendar.ts';

/** A day that breaks the Monday–Friday rule: a public holiday or an adjusted working day (调休). */
export interface CalendarDayTable {
  /** Local date, YYYY-MM-DD. */
  date: string;
  kind: CalendarDayKind;
  name_zh: string;
  name_en: string;
}

export interface CalendarTables {
  calendar_days: CalendarDayTable;
}
