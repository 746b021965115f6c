import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../../api.ts';
import type { Answer } from '../../api-shapes.ts';
import { useI18n } from '../../i18n.ts';

type CalendarDay = Answer<'/calendar/{year}'>['days'][number];

/**
 * A year's public holidays and adjusted working days (调休), on which every deadline is counted: the
 * State Council's notice for the year, entered or corrected here.
 */
export function CalendarAdmin() {
  const { t, term } = useI18n();
  const [year, setYear] = useState(new Date().getFullYear());
  const [days, setDays] = useState<CalendarDay[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    setDays(null);
    setSaved(false);
    void api<{ days: CalendarDay[] }>(`/calendar/${year}`)
      .then((calendar) => setDays(calendar.days))
      .catch((e) => setError(errorText(e)));
  }, [year]);

  const save = async (next: CalendarDay[]) => {
    try {
      const calendar = await api<{ days: CalendarDay[] }>(`/calendar/${year}`, { method: 'PUT', body: { days: next } });
      setDays(calendar.days);
      setError(null);
      setSaved(true);
    } catch (e) {
      setError(errorText(e));
    }
  };
  const add = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const text = (key: string) => String(form.get(key) ?? '').trim();
    const day: CalendarDay = {
      date: text('date'),
      kind: text('kind') as CalendarDay['kind'],
      nameZh: text('nameZh'),
      nameEn: text('nameEn') || text('nameZh'),
    };
    void save([...(days ?? []).filter((d) => d.date !== day.date), day].sort((a, b) => a.date.localeCompare(b.date)));
    (event.target as HTMLFormElement).reset();
  };

  return (
    <section data-testid="calendar-admin">
      <p class="hint">{t('calendarHint')}</p>
      <label>
        {t('year')}{' '}
        <input
          type="number"
          min={2000}
          max={2100}
          value={year}
          data-testid="calendar-year"
          onChange={(e) => setYear(Number(e.currentTarget.value))}
        />
      </label>
      {error && <p class="error">{error}</p>}
      {saved && <p class="notice">{t('saved')}</p>}
      <form class="action-form row" data-testid="calendar-add" onSubmit={add}>
        <label>
          {t('date')} *
          <input type="date" name="date" required min={`${year}-01-01`} max={`${year}-12-31`} data-testid="day-date" />
        </label>
        <label>
          {t('dayKind')}
          <select name="kind" data-testid="day-kind">
            <option value="holiday">{term('holiday')}</option>
            <option value="workday">{term('workday')}</option>
          </select>
        </label>
        <label>
          {t('nameZh')} *
          <input name="nameZh" required maxLength={50} data-testid="day-name" />
        </label>
        <label>
          {t('nameEn')}
          <input name="nameEn" maxLength={100} />
        </label>
        <button type="submit" data-testid="day-add">
          {t('add')}
        </button>
      </form>
      {days && (
        <table class="cases compact" data-testid="calendar-days">
          <thead>
            <tr>
              <th>{t('date')}</th>
              <th>{t('dayKind')}</th>
              <th>{t('fieldName')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.date} data-date={d.date}>
                <td class="nowrap">{d.date}</td>
                <td>{term(d.kind)}</td>
                <td>{d.nameZh}</td>
                <td>
                  <button
                    type="button"
                    class="secondary small"
                    onClick={() => void save(days.filter((other) => other.date !== d.date))}
                  >
                    {t('delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {days?.length === 0 && <p class="empty">{t('noSpecialDays')}</p>}
    </section>
  );
}
