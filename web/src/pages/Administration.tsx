import { AreasAdmin } from '../components/admin/AreasAdmin.tsx';
import { BodiesAdmin } from '../components/admin/BodiesAdmin.tsx';
import { CalendarAdmin } from '../components/admin/CalendarAdmin.tsx';
import { CategoriesAdmin } from '../components/admin/CategoriesAdmin.tsx';
import { type MessageKey, useI18n } from '../i18n.ts';
import { linkTo } from '../router.ts';
import { Staff } from './Staff.tsx';

const TABS = {
  staff: { label: 'staff', render: () => <Staff /> },
  bodies: { label: 'handlingBodies', render: () => <BodiesAdmin /> },
  categories: { label: 'categoriesAndLimits', render: () => <CategoriesAdmin /> },
  areas: { label: 'areasAndWorkers', render: () => <AreasAdmin /> },
  calendar: { label: 'workingCalendar', render: () => <CalendarAdmin /> },
} satisfies Record<string, { label: MessageKey; render(): preact.JSX.Element }>;
type Tab = keyof typeof TABS;

/**
 * The administrator's console (管理): staff accounts, handling bodies, categories and their time limits,
 * grid workers' areas and the working calendar, one tab each. Routing rules have their own page, shared
 * with supervisors. Every change goes through the API, which audits it.
 */
export function Administration({ tab }: { tab: string | null }) {
  const { t } = useI18n();
  const current: Tab = tab && tab in TABS ? (tab as Tab) : 'staff';
  return (
    <section class="administration" data-testid="administration">
      <h1>{t('administration')}</h1>
      <nav class="tabs" aria-label={t('administration')}>
        {(Object.keys(TABS) as Tab[]).map((key) => (
          <a
            key={key}
            {...linkTo(`/admin?tab=${key}`)}
            class={key === current ? 'current' : ''}
            aria-current={key === current ? 'page' : undefined}
            data-testid={`admin-tab-${key}`}
          >
            {t(TABS[key].label)}
          </a>
        ))}
      </nav>
      {TABS[current].render()}
    </section>
  );
}
