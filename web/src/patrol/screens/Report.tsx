import { useEffect, useState } from 'preact/hooks';
import { api, type Category, errorText, type IntakeSuggestion } from '../../api.ts';
import { CategoryPicker, isLeaf } from '../../components/CategoryPicker.tsx';
import { PhotoInput } from '../components/PhotoInput.tsx';
import { type Point, PointPicker } from '../components/PointPicker.tsx';
import { usePatrol } from '../context.ts';
import { type Features, loadAreas, loadCategories, loadUnitGrids } from '../data.ts';
import { currentFix, type Fix, fixError } from '../geo.ts';
import { useWords } from '../messages.ts';
import { queueChanged } from '../sender.ts';
import { addToQueue, newKey, type ReportPayload } from '../store.ts';

const PRIORITIES = ['', 'normal', 'high', 'urgent'] as const;
type Priority = (typeof PRIORITIES)[number];

/**
 * 上报: a problem found on patrol. Title and description, a category (suggested from the text when online,
 * chosen from the tree in any case), photos from the camera, the GPS position (movable on the map) and the
 * priority. Saved to the queue at once; sent when the phone can reach the server.
 */
export function Report() {
  const { me, online, notify, sendNow } = usePatrol();
  const { w, term, name } = useWords();
  const [categories, setCategories] = useState<Category[]>([]);
  const [areas, setAreas] = useState<Features | null>(null);
  const [grids, setGrids] = useState<Features | null>(null);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [address, setAddress] = useState('');
  const [category, setCategory] = useState('');
  const [priority, setPriority] = useState<Priority>('');
  const [photos, setPhotos] = useState<File[]>([]);
  const [suggestion, setSuggestion] = useState<IntakeSuggestion | null>(null);
  const [suggesting, setSuggesting] = useState(false);
  const [suggestedFor, setSuggestedFor] = useState('');
  const [fix, setFix] = useState<Fix | null>(null);
  const [point, setPoint] = useState<Point | null>(null);
  const [adjusted, setAdjusted] = useState(false);
  const [gpsProblem, setGpsProblem] = useState<string | null>(null);
  const [locating, setLocating] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    loadCategories(me).then(
      (c) => setCategories(c.value),
      (e) => setError(errorText(e)),
    );
    loadAreas(me).then(
      (a) => setAreas(a.value),
      () => setAreas(null),
    );
    loadUnitGrids(me).then(
      (g) => setGrids(g.value),
      () => setGrids(null),
    );
    locate();
  }, [me.userId]);

  const locate = () => {
    setLocating(true);
    setGpsProblem(null);
    currentFix()
      .then((f) => {
        setFix(f);
        setPoint({ longitude: f.longitude, latitude: f.latitude });
        setAdjusted(false);
      })
      .catch((e) => setGpsProblem(fixError(e)))
      .finally(() => setLocating(false));
  };

  const suggest = async () => {
    const text = `${title.trim()}\n${description.trim()}`;
    if (!title.trim() || !online || text === suggestedFor) return;
    setSuggesting(true);
    try {
      const answer = await api<IntakeSuggestion>('/text/intake-suggestions', {
        method: 'POST',
        body: { title: title.trim(), description: description.trim() },
      });
      setSuggestion(answer);
      setSuggestedFor(text);
      const top = answer.categories[0]?.code;
      if (!category && top && isLeaf(categories, top)) setCategory(top);
      if (priority === '' && answer.urgency.priority !== 'normal') setPriority(answer.urgency.priority);
    } catch {
      // Offline or refused: the worker chooses the category themselves.
      setSuggestion(null);
    } finally {
      setSuggesting(false);
    }
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!title.trim()) return setError(w('titleRequired'));
    if (!isLeaf(categories, category)) return setError(w('chooseLeaf'));
    setError(null);
    const body: ReportPayload = {
      title: title.trim(),
      description: description.trim(),
      categoryCode: category,
      channel: 'grid_patrol',
      ...(priority ? { priority } : {}),
      ...(address.trim() ? { address: address.trim() } : {}),
      ...(point ? { location: point } : {}),
      ...(suggestion && suggestedFor ? { intakeSuggestionId: suggestion.id } : {}),
    };
    const createdAt = new Date().toISOString();
    const label = body.title;
    await addToQueue([
      {
        owner: me.userId,
        kind: 'report',
        key: newKey(),
        payload: { kind: 'report', body },
        photos: [],
        dependsOn: null,
        caseNumber: null,
        label,
        createdAt,
      },
      // The photos go once the report has its case number: they depend on it.
      ...(photos.length
        ? [
            {
              owner: me.userId,
              kind: 'media' as const,
              key: newKey(),
              payload: { kind: 'media' as const, stage: 'report' as const, photoCount: photos.length },
              photos,
              dependsOn: -1,
              caseNumber: null,
              label,
              createdAt,
            },
          ]
        : []),
    ]);
    queueChanged();
    notify(w('reportQueued', { title: label }));
    setTitle('');
    setDescription('');
    setAddress('');
    setCategory('');
    setPriority('');
    setPhotos([]);
    setSuggestion(null);
    setSuggestedFor('');
    // The next problem is somewhere else: a fresh fix.
    locate();
    scrollTo({ top: 0 });
    void sendNow();
  };

  const flags = suggestion?.urgency.flags ?? [];
  return (
    <section class="p-screen" data-testid="report">
      <h1 class="p-h1">{w('reportTitle')}</h1>
      <form class="p-form" onSubmit={submit}>
        <label>
          {w('title')}
          <input
            name="title"
            required
            maxLength={200}
            value={title}
            placeholder={w('titlePlaceholder')}
            onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
            data-testid="report-title"
          />
        </label>
        <label>
          {w('description')}
          <textarea
            name="description"
            rows={3}
            maxLength={10000}
            value={description}
            placeholder={w('descriptionPlaceholder')}
            onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)}
            onBlur={() => void suggest()}
            data-testid="report-description"
          />
        </label>

        <fieldset class="p-field">
          <legend>{w('category')}</legend>
          {online ? (
            <button
              type="button"
              class="p-button secondary small"
              disabled={suggesting || !title.trim()}
              onClick={() => void suggest()}
              data-testid="suggest"
            >
              {suggesting ? w('suggesting') : w('suggest')}
            </button>
          ) : (
            <p class="p-hint" data-testid="suggest-offline">
              {w('suggestOffline')}
            </p>
          )}
          {suggestion && suggestion.categories.length === 0 && <p class="p-hint">{w('noSuggestions')}</p>}
          {suggestion && suggestion.categories.length > 0 && (
            <div class="p-chips" data-testid="suggestions">
              {suggestion.categories.map((c) => (
                <button
                  type="button"
                  key={c.code}
                  class={`p-chip${c.code === category ? ' on' : ''}`}
                  disabled={!isLeaf(categories, c.code)}
                  onClick={() => setCategory(c.code)}
                >
                  {name(c)} <span class="p-muted">{Math.round(c.probability * 100)}%</span>
                </button>
              ))}
            </div>
          )}
          <CategoryPicker categories={categories} value={category} onChange={setCategory} className="p-category" />
        </fieldset>

        <PhotoInput photos={photos} onChange={setPhotos} label={w('photos')} />

        <fieldset class="p-field">
          <legend>{w('location')}</legend>
          <p class="p-gps" data-testid="gps">
            {locating
              ? w('locating')
              : adjusted
                ? w('adjusted')
                : fix
                  ? w('gpsAccuracy', { m: fix.accuracyM })
                  : gpsProblem
                    ? w('noGps', { reason: gpsProblem })
                    : w('noLocation')}
            {point && (
              <span class="p-coords" data-testid="coords">
                {point.longitude.toFixed(6)}, {point.latitude.toFixed(6)} (WGS-84)
              </span>
            )}
          </p>
          <PointPicker
            areas={areas}
            grids={grids}
            point={point}
            fromGps={!adjusted}
            onMove={(p) => {
              setPoint(p);
              setAdjusted(true);
            }}
          />
          <p class="p-row">
            <span class="p-hint">{w('tapToAdjust')}</span>
            <button type="button" class="p-button secondary small" onClick={locate} data-testid="locate">
              {w('locateAgain')}
            </button>
          </p>
          <label>
            {w('address')}
            <input
              name="address"
              maxLength={500}
              value={address}
              onInput={(e) => setAddress((e.target as HTMLInputElement).value)}
              data-testid="report-address"
            />
          </label>
        </fieldset>

        <fieldset class="p-field">
          <legend>{w('priority')}</legend>
          <div class="p-segments" data-testid="priority">
            {PRIORITIES.map((p) => (
              <button
                type="button"
                key={p || 'auto'}
                class={`p-segment ${p || 'auto'}${priority === p ? ' on' : ''}`}
                aria-pressed={priority === p}
                onClick={() => setPriority(p)}
                data-testid={`priority-${p || 'auto'}`}
              >
                {p ? term(p) : w('priorityAuto')}
              </button>
            ))}
          </div>
          {flags.length > 0 && (
            <p class="p-danger" data-testid="danger">
              {w('dangerFound')} {flags.map((f) => term(f.danger)).join('、')}
            </p>
          )}
        </fieldset>

        {error && (
          <p class="p-error" role="alert" data-testid="report-error">
            {error}
          </p>
        )}
        <button type="submit" class="p-button wide" data-testid="report-submit">
          {w('sendReport')}
        </button>
      </form>
    </section>
  );
}
