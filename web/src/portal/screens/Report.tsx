import exifr from 'exifr';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorText, type PublicCase, uploadMedia } from '../../api.ts';
import type { Answer } from '../../api-shapes.ts';
import type { PickedPoint } from '../../map.ts';
import type { Collection } from '../../map-areas.ts';
import { linkTo } from '../../router.ts';
import { CaseCard } from '../components/CaseCard.tsx';
import { MeTooButton } from '../components/MeTooButton.tsx';
import { PhotoPicker } from '../components/PhotoPicker.tsx';
import { ReportMap } from '../components/ReportMap.tsx';
import { useSession } from '../context.ts';
import { usePortalWords } from '../messages.ts';
import { usePortalReference } from '../reference.ts';

type Nearby = Answer<'/public/cases/nearby'>;
type Suggested = Answer<'/public/category-suggestions', 'post'>['categories'];
type Consents = Answer<'/me/consents'>['consents'];
type Placement = Answer<'/public/places'>['placement'];

/** How long the resident stops typing before the category is suggested from their words. */
const SUGGEST_AFTER_MS = 700;

/**
 * Reporting a problem, in the order a resident thinks of it: where (map, my location, a photo's own
 * place, or an address), the photos, what is already reported there (support it instead), then what it
 * is, with the category suggested from the words. The resident signs in by phone code only on sending.
 */
export function Report() {
  const { w, name } = usePortalWords();
  const { signedIn } = useSession();
  const { reference } = usePortalReference();
  const [point, setPoint] = useState<PickedPoint | null>(null);
  const [pointFrom, setPointFrom] = useState<'map' | 'device' | 'photo' | null>(null);
  const [locating, setLocating] = useState(false);
  const [locationError, setLocationError] = useState<string | null>(null);
  const [address, setAddress] = useState('');
  const [placed, setPlaced] = useState<{ placement: Placement; outline: Collection | null } | null>(null);
  const [photos, setPhotos] = useState<File[]>([]);
  const [nearby, setNearby] = useState<Nearby | null>(null);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [categoryCode, setCategoryCode] = useState('');
  const [suggested, setSuggested] = useState<Suggested>([]);
  const [publish, setPublish] = useState(true);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<{ caseNumber: string; photoError: string | null } | null>(null);
  const askedNearby = useRef(0);

  const pick = (picked: PickedPoint, from: 'map' | 'device' | 'photo') => {
    setPoint(picked);
    setPointFrom(from);
  };

  useEffect(() => {
    if (!point) return setNearby(null);
    const asked = ++askedNearby.current;
    const query = new URLSearchParams({ longitude: String(point.longitude), latitude: String(point.latitude) });
    api<Nearby>(`/public/cases/nearby?${query}`)
      .then((found) => {
        if (asked === askedNearby.current) setNearby(found);
      })
      .catch(() => setNearby(null));
  }, [point?.longitude, point?.latitude]);

  useEffect(() => {
    if (`${title}${description}`.trim().length < 4) return setSuggested([]);
    const timer = setTimeout(() => {
      api<Answer<'/public/category-suggestions', 'post'>>('/public/category-suggestions', {
        method: 'POST',
        body: { title: title.slice(0, 200), description: description.slice(0, 4000) },
      })
        .then((answer) => {
          setSuggested(answer.categories);
          // The resident's own choice stands; the first suggestion fills only an empty choice.
          if (answer.categories[0]) setCategoryCode((chosen) => chosen || answer.categories[0]!.code);
        })
        .catch(() => setSuggested([]));
    }, SUGGEST_AFTER_MS);
    return () => clearTimeout(timer);
  }, [title, description]);

  const choosePhotos = async (chosen: File[]) => {
    setPhotos(chosen);
    if (point) return;
    // A photo taken on the spot knows where: its GPS is read here, before the server strips it.
    for (const photo of chosen) {
      const gps = await exifr.gps(photo).catch(() => undefined);
      if (gps && Number.isFinite(gps.longitude) && Number.isFinite(gps.latitude)) {
        pick({ longitude: gps.longitude, latitude: gps.latitude }, 'photo');
        return;
      }
    }
  };

  const locate = () => {
    if (!('geolocation' in navigator)) return setLocationError(w('locationDenied', { reason: '—' }));
    setLocating(true);
    setLocationError(null);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating(false);
        pick({ longitude: position.coords.longitude, latitude: position.coords.latitude }, 'device');
      },
      (failure) => {
        setLocating(false);
        setLocationError(w('locationDenied', { reason: failure.message }));
      },
      { enableHighAccuracy: true, timeout: 15_000 },
    );
  };

  /** The address on the map: the area the city's gazetteer finds for it, outlined for a tap inside. */
  const findAddress = async () => {
    if (!address.trim()) return;
    try {
      const { placement } = await api<Answer<'/public/places'>>(
        `/public/places?q=${encodeURIComponent(address.trim())}`,
      );
      const outline = placement
        ? await api<Collection>(
            `/grid/areas.geojson?${new URLSearchParams({ within: placement.areaCode, level: placement.level })}`,
          )
        : null;
      setPlaced({ placement, outline });
    } catch (e) {
      setError(errorText(e));
    }
  };

  const send = async (event: Event) => {
    event.preventDefault();
    if (!point && !address.trim()) return setError(w('missingWhere'));
    if (!title.trim() || !description.trim() || !categoryCode) return setError(w('missingWhat'));
    setError(null);
    setSending(true);
    try {
      if (!(await signedIn())) return;
      if (publish) {
        const { consents } = await api<{ consents: Consents }>('/me/consents');
        if (!consents.publish) await api('/me/consents', { method: 'PUT', body: { publish: true } });
      }
      const created = await api<{ caseNumber: string }>('/cases', {
        method: 'POST',
        body: {
          title: title.trim(),
          description: description.trim(),
          categoryCode,
          ...(point ? { location: point } : {}),
          ...(address.trim() ? { address: address.trim() } : {}),
        },
      });
      let photoError: string | null = null;
      if (photos.length) {
        try {
          await uploadMedia(created.caseNumber, 'report', photos);
        } catch (e) {
          photoError = errorText(e);
        }
      }
      setSent({ caseNumber: created.caseNumber, photoError });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSending(false);
    }
  };

  if (sent) {
    return (
      <section class="sent" aria-labelledby="sent-title" data-testid="report-sent">
        <h1 id="sent-title">{w('sentTitle')}</h1>
        <p class="big-number" data-testid="sent-case-number">
          {w('sentNumber', { n: sent.caseNumber })}
        </p>
        <p>{w('sentLead')}</p>
        {sent.photoError && (
          <p class="error" role="alert">
            {w('sentPhotosFailed', { reason: sent.photoError })}
          </p>
        )}
        <p class="actions">
          <a class="button primary" {...linkTo(`/portal/cases/${sent.caseNumber}`)} data-testid="track-sent">
            {w('trackIt')}
          </a>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setSent(null);
              setPoint(null);
              setPointFrom(null);
              setPhotos([]);
              setTitle('');
              setDescription('');
              setCategoryCode('');
              setAddress('');
            }}
            data-testid="report-another"
          >
            {w('reportAnother')}
          </button>
        </p>
      </section>
    );
  }

  const leaves = reference
    ? reference.categories.filter((c) => !reference.categories.some((o) => o.parentCode === c.code))
    : [];
  const tops = reference?.categories.filter((c) => c.level === 1) ?? [];
  return (
    <form class="report" onSubmit={send} aria-labelledby="report-title" noValidate>
      <h1 id="report-title">{w('reportTitle')}</h1>

      <fieldset>
        <legend>{w('stepWhere')}</legend>
        <p class="hint">{w('stepWhereHint')}</p>
        {reference && (
          <ReportMap
            outlines={reference.outlines}
            point={point}
            nearby={nearby ?? []}
            label={w('mapPickLabel')}
            focus={placed?.outline ?? null}
            onPick={(picked) => pick(picked, 'map')}
          />
        )}
        <p class="inline">
          <button type="button" class="secondary" onClick={locate} disabled={locating} data-testid="use-my-location">
            {locating ? w('locating') : w('useMyLocation')}
          </button>
          {point && (
            <span role="status" data-testid="chosen-point" data-from={pointFrom ?? ''}>
              {w('pointChosen', { lon: point.longitude.toFixed(5), lat: point.latitude.toFixed(5) })}
              {pointFrom === 'photo' && ` (${w('pointFromPhoto')})`}
            </span>
          )}
        </p>
        {locationError && (
          <p class="error" role="alert">
            {locationError}
          </p>
        )}
        <label class="field">
          <span>{w('address')}</span>
          <span class="inline">
            <input
              value={address}
              autoComplete="street-address"
              placeholder={w('addressHint')}
              maxLength={500}
              onInput={(e) => {
                setAddress((e.target as HTMLInputElement).value);
                setPlaced(null);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void findAddress();
                }
              }}
              data-testid="report-address"
            />
            <button type="button" class="secondary" onClick={() => void findAddress()} data-testid="find-address">
              {w('findAddress')}
            </button>
          </span>
        </label>
        {placed && (
          <p role="status" data-testid="address-placed" data-found={String(placed.placement !== null)}>
            {placed.placement
              ? w('addressFound', { name: name(placed.placement), words: placed.placement.evidence.join('、') })
              : w('addressNotFound')}
          </p>
        )}
      </fieldset>

      <fieldset>
        <legend>{w('stepPhotos')}</legend>
        <PhotoPicker photos={photos} onChange={(chosen) => void choosePhotos(chosen)} />
      </fieldset>

      {nearby && (
        <section class="nearby" aria-labelledby="nearby-title" data-testid="nearby">
          <h2 id="nearby-title">{nearby.length ? w('nearbyTitle') : w('nearbyNone')}</h2>
          {nearby.length > 0 && (
            <>
              <p class="hint">{w('nearbyLead')}</p>
              <ol class="case-list">
                {nearby.map((item: PublicCase & { distanceMetres: number }) => (
                  <CaseCard key={item.caseNumber} item={item}>
                    <p class="inline">
                      <span class="distance">{w('metres', { n: item.distanceMetres })}</span>
                      <MeTooButton caseNumber={item.caseNumber} />
                    </p>
                  </CaseCard>
                ))}
              </ol>
              <p class="hint">{w('notTheSame')}</p>
            </>
          )}
        </section>
      )}

      <fieldset>
        <legend>{w('stepWhat')}</legend>
        <label class="field">
          <span>{w('title')}</span>
          <input
            value={title}
            required
            maxLength={200}
            placeholder={w('titleHint')}
            onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
            data-testid="report-title"
          />
        </label>
        <label class="field">
          <span>{w('description')}</span>
          <textarea
            value={description}
            required
            rows={4}
            maxLength={4000}
            placeholder={w('descriptionHint')}
            onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)}
            data-testid="report-description"
          />
        </label>
        <label class="field">
          <span>{w('category')}</span>
          <select
            value={categoryCode}
            required
            onChange={(e) => setCategoryCode((e.target as HTMLSelectElement).value)}
            data-testid="report-category"
          >
            <option value="">{w('chooseCategory')}</option>
            {tops.map((top) => (
              <optgroup key={top.code} label={name(top)}>
                {leaves
                  .filter((leaf) => leaf.code.startsWith(top.code) && leaf.code !== top.code)
                  .map((leaf) => (
                    <option key={leaf.code} value={leaf.code}>
                      {name(leaf)}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </label>
        {suggested[0] && (
          <p class="hint" data-testid="category-suggested">
            {w('categorySuggested', { name: name(suggested[0]) })}
          </p>
        )}
        <label class="checkbox">
          <input
            type="checkbox"
            checked={publish}
            onChange={(e) => setPublish((e.target as HTMLInputElement).checked)}
            data-testid="report-publish"
          />
          <span>{w('publish')}</span>
        </label>
        <p class="hint">{w('publishHint')}</p>
      </fieldset>

      {error && (
        <p class="error" role="alert" data-testid="report-error">
          {error}
        </p>
      )}
      <p class="actions">
        <button type="submit" class="primary big" disabled={sending} data-testid="report-send">
          {sending ? w('sending') : w('send')}
        </button>
      </p>
    </form>
  );
}
