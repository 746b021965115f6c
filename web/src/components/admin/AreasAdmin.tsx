import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type StaffMember } from '../../api.ts';
import type { Answer } from '../../api-shapes.ts';
import { useI18n } from '../../i18n.ts';
import { AreaMapPicker } from '../AreaMapPicker.tsx';
import { BodySelect } from '../BodySelect.tsx';

type AreaDetail = Answer<'/grid/areas/{code}'>;

/**
 * An area picked on the map, with its grid workers (网格员) and the body responsible for it (a community
 * committee or street office): who patrols it and who takes what is found there.
 */
export function AreasAdmin() {
  const { t } = useI18n();
  const [picked, setPicked] = useState<string[]>([]);
  const [area, setArea] = useState<AreaDetail | null>(null);
  const [gridWorkers, setGridWorkers] = useState<StaffMember[]>([]);
  useEffect(() => {
    void api<StaffMember[]>('/users').then((staff) => setGridWorkers(staff.filter((s) => s.role === 'grid_worker')));
  }, []);
  useEffect(() => {
    setArea(null);
    if (picked[0]) void api<AreaDetail>(`/grid/areas/${picked[0]}`).then(setArea);
  }, [picked[0]]);
  return (
    <section data-testid="areas-admin">
      <p class="hint">{t('areasAdminHint')}</p>
      <div class="admin-split">
        <AreaMapPicker value={picked} onChange={setPicked} testId="admin-area" />
        {area && <AreaForm key={area.code} area={area} gridWorkers={gridWorkers} onSaved={setArea} />}
      </div>
    </section>
  );
}

function AreaForm({
  area,
  gridWorkers,
  onSaved,
}: {
  area: AreaDetail;
  gridWorkers: StaffMember[];
  onSaved(area: AreaDetail): void;
}) {
  const { t, name } = useI18n();
  const own = (assignedArea: string) => assignedArea === area.code;
  const [workers, setWorkers] = useState(area.workers.filter((w) => own(w.assignedArea)).map((w) => w.username));
  const [bodyId, setBodyId] = useState(area.responsibleBody?.id ?? '');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      await api(`/grid/areas/${area.code}/workers`, { method: 'PUT', body: { usernames: workers } });
      if (bodyId && bodyId !== area.responsibleBody?.id) {
        await api(`/grid/areas/${area.code}/responsible-body`, { method: 'PUT', body: { bodyId } });
      }
      setError(null);
      setSaved(true);
      onSaved(await api<AreaDetail>(`/grid/areas/${area.code}`));
    } catch (e) {
      setError(errorText(e));
    }
  };
  const inherited = area.workers.filter((w) => !own(w.assignedArea));
  return (
    <form class="action-form" data-testid="area-form" onSubmit={save}>
      <h2>
        {name(area)} <span class="case-number">{area.code}</span>
      </h2>
      <fieldset>
        <legend>{t('gridWorkers')}</legend>
        {gridWorkers.map((w) => (
          <label class="inline" key={w.username}>
            <input
              type="checkbox"
              data-testid={`area-worker-${w.username}`}
              checked={workers.includes(w.username)}
              onChange={(e) =>
                setWorkers(e.currentTarget.checked ? [...workers, w.username] : workers.filter((u) => u !== w.username))
              }
            />
            {w.displayName}
          </label>
        ))}
        {inherited.length > 0 && (
          <p class="hint">
            {t('inheritedWorkers')}: {inherited.map((w) => w.displayName).join('、')}
          </p>
        )}
      </fieldset>
      <label for="area-body">
        {t('responsibleBody')}
        <BodySelect id="area-body" value={bodyId} onChange={setBodyId} testId="area-body" />
        {area.responsibleBody && !own(area.responsibleBody.assignedArea) && (
          <span class="hint">{t('inheritedBody')}</span>
        )}
      </label>
      {error && <p class="error">{error}</p>}
      {saved && <p class="notice">{t('saved')}</p>}
      <button type="submit" data-testid="area-save">
        {t('save')}
      </button>
    </form>
  );
}
