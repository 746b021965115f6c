/**
 * The 2026 public holidays and adjusted working days (调休) of the People's Republic of China, as announced
 * by the General Office of the State Council (国务院办公厅关于2026年部分节假日安排的通知, 国办发明电〔2025〕7号).
 * Every day off is listed, weekend days included, so the file reads like the notice. cn-2026.json holds the
 * same data in the file format administrators load for later years.
 */
import type { CalendarDay } from './working-calendar.ts';

export const CHINA_2026: CalendarDay[] = [
  { date: '2026-01-01', kind: 'holiday', nameZh: '元旦', nameEn: "New Year's Day" }, // Thu
  { date: '2026-01-02', kind: 'holiday', nameZh: '元旦', nameEn: "New Year's Day" }, // Fri
  { date: '2026-01-03', kind: 'holiday', nameZh: '元旦', nameEn: "New Year's Day" }, // Sat
  { date: '2026-01-04', kind: 'workday', nameZh: '元旦调休上班', nameEn: "New Year's Day adjusted working day" }, // Sun
  { date: '2026-02-14', kind: 'workday', nameZh: '春节调休上班', nameEn: 'Spring Festival adjusted working day' }, // Sat
  { date: '2026-02-15', kind: 'holiday', nameZh: '春节', nameEn: 'Spring Festival' }, // Sun
  { date: '2026-02-16', kind: 'holiday', nameZh: '春节', nameEn: 'Spring Festival' }, // Mon
  { date: '2026-02-17', kind: 'holiday', nameZh: '春节', nameEn: 'Spring Festival' }, // Tue
  { date: '2026-02-18', kind: 'holiday', nameZh: '春节', nameEn: 'Spring Festival' }, // Wed
  { date: '2026-02-19', kind: 'holiday', nameZh: '春节', nameEn: 'Spring Festival' }, // Thu
  { date: '2026-02-20', kind: 'holiday', nameZh: '春节', nameEn: 'Spring Festival' }, // Fri
  { date: '2026-02-21', kind: 'holiday', nameZh: '春节', nameEn: 'Spring Festival' }, // Sat
  { date: '2026-02-22', kind: 'holiday', nameZh: '春节', nameEn: 'Spring Festival' }, // Sun
  { date: '2026-02-23', kind: 'holiday', nameZh: '春节', nameEn: 'Spring Festival' }, // Mon
  { date: '2026-02-28', kind: 'workday', nameZh: '春节调休上班', nameEn: 'Spring Festival adjusted working day' }, // Sat
  { date: '2026-04-04', kind: 'holiday', nameZh: '清明节', nameEn: 'Qingming Festival' }, // Sat
  { date: '2026-04-05', kind: 'holiday', nameZh: '清明节', nameEn: 'Qingming Festival' }, // Sun
  { date: '2026-04-06', kind: 'holiday', nameZh: '清明节', nameEn: 'Qingming Festival' }, // Mon
  { date: '2026-05-01', kind: 'holiday', nameZh: '劳动节', nameEn: 'Labour Day' }, // Fri
  { date: '2026-05-02', kind: 'holiday', nameZh: '劳动节', nameEn: 'Labour Day' }, // Sat
  { date: '2026-05-03', kind: 'holiday', nameZh: '劳动节', nameEn: 'Labour Day' }, // Sun
  { date: '2026-05-04', kind: 'holiday', nameZh: '劳动节', nameEn: 'Labour Day' }, // Mon
  { date: '2026-05-05', kind: 'holiday', nameZh: '劳动节', nameEn: 'Labour Day' }, // Tue
  { date: '2026-05-09', kind: 'workday', nameZh: '劳动节调休上班', nameEn: 'Labour Day adjusted working day' }, // Sat
  { date: '2026-06-19', kind: 'holiday', nameZh: '端午节', nameEn: 'Dragon Boat Festival' }, // Fri
  { date: '2026-06-20', kind: 'holiday', nameZh: '端午节', nameEn: 'Dragon Boat Festival' }, // Sat
  { date: '2026-06-21', kind: 'holiday', nameZh: '端午节', nameEn: 'Dragon Boat Festival' }, // Sun
  { date: '2026-09-20', kind: 'workday', nameZh: '国庆节调休上班', nameEn: 'National Day adjusted working day' }, // Sun
  { date: '2026-09-25', kind: 'holiday', nameZh: '中秋节', nameEn: 'Mid-Autumn Festival' }, // Fri
  { date: '2026-09-26', kind: 'holiday', nameZh: '中秋节', nameEn: 'Mid-Autumn Festival' }, // Sat
  { date: '2026-09-27', kind: 'holiday', nameZh: '中秋节', nameEn: 'Mid-Autumn Festival' }, // Sun
  { date: '2026-10-01', kind: 'holiday', nameZh: '国庆节', nameEn: 'National Day' }, // Thu
  { date: '2026-10-02', kind: 'holiday', nameZh: '国庆节', nameEn: 'National Day' }, // Fri
  { date: '2026-10-03', kind: 'holiday', nameZh: '国庆节', nameEn: 'National Day' }, // Sat
  { date: '2026-10-04', kind: 'holiday', nameZh: '国庆节', nameEn: 'National Day' }, // Sun
  { date: '2026-10-05', kind: 'holiday', nameZh: '国庆节', nameEn: 'National Day' }, // Mon
  { date: '2026-10-06', kind: 'holiday', nameZh: '国庆节', nameEn: 'National Day' }, // Tue
  { date: '2026-10-07', kind: 'holiday', nameZh: '国庆节', nameEn: 'National Day' }, // Wed
  { date: '2026-10-10', kind: 'workday', nameZh: '国庆节调休上班', nameEn: 'National Day adjusted working day' }, // Sat
];
