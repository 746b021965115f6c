import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type Me } from '../api.ts';
import type { Answer, Item } from '../api-shapes.ts';
import { CaseLink } from '../components/CaseLink.tsx';
import { useI18n } from '../i18n.ts';
import { useSensorsText } from './sensors-text.ts';
import './sensors.css';

type Device = Item<Answer<'/sensors/devices'>>;
type DeviceType = Item<Answer<'/sensors/device-types'>>;
type NewDevice = Answer<'/sensors/devices', 'post'>;

/** 物联感知: every device with its latest reading, its state, its counters and the cases its rules hold open. */
export function Sensors({ me }: { me: Me }) {
  const text = useSensorsText();
  const { date, name } = useI18n();
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [types, setTypes] = useState<DeviceType[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    Promise.all([api<{ items: Device[] }>('/sensors/devices'), api<{ items: DeviceType[] }>('/sensors/device-types')])
      .then(([d, t]) => {
        setDevices(d.items);
        setTypes(t.items);
      })
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    void load();
  }, []);

  const typeName = (code: string) => {
    const type = types.find((t) => t.code === code);
    return type ? name(type) : code;
  };
  const rule = (type: DeviceType, r: DeviceType['rules'][number]) =>
    text(r.kind, { threshold: r.threshold, unit: type.unit });

  return (
    <section class="sensors" data-testid="sensors">
      <h1>{text('title')}</h1>
      <p class="hint">{text('intro')}</p>
      {error && <p class="error">{error}</p>}
      {!devices && !error && <p>{text('loading')}</p>}
      {devices?.length === 0 && <p class="empty">{text('noDevices')}</p>}
      {devices && devices.length > 0 && (
        <table class="cases" data-testid="sensor-devices">
          <thead>
            <tr>
              <th>{text('device')}</th>
              <th>{text('type')}</th>
              <th>{text('lastReading')}</th>
              <th>{text('heardAt')}</th>
              <th>{text('state')}</th>
              <th>{text('counters')}</th>
              <th>{text('openCases')}</th>
            </tr>
          </thead>
          <tbody>
            {devices.map((d) => (
              <tr key={d.id} data-device={d.id}>
                <td class="title-cell">{d.name}</td>
                <td data-label={text('type')}>{typeName(d.typeCode)}</td>
                <td data-label={text('lastReading')} class="nowrap">
                  {d.lastValue === null || !d.lastMeasuredAt
                    ? text('never')
                    : `${d.lastValue} ${d.unit} · ${date(d.lastMeasuredAt)}`}
                </td>
                <td data-label={text('heardAt')} class="nowrap">
                  {d.lastReceivedAt ? date(d.lastReceivedAt) : '—'}
                </td>
                <td data-label={text('state')} class="nowrap">
                  <span class={d.silent ? 'error' : ''}>{d.silent ? text('silent') : text('ok')}</span>
                </td>
                <td data-label={text('counters')}>
                  {[
                    text('accepted', { n: d.counts.accepted }),
                    text('duplicates', { n: d.counts.duplicates }),
                    text('outOfOrder', { n: d.counts.outOfOrder }),
                    text('malformed', { n: d.counts.malformed }),
                    text('refused', { n: d.counts.refused }),
                  ].join(' · ')}
                </td>
                <td data-label={text('openCases')}>
                  {d.openCases.length === 0
                    ? text('none')
                    : d.openCases.map((c) => (
                        <span key={c.ruleCode} class="nowrap">
                          {text('rule', { rule: c.ruleCode })}{' '}
                          {c.caseNumber ? <CaseLink caseNumber={c.caseNumber} /> : text('pending')}{' '}
                        </span>
                      ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{text('types')}</h2>
      {types.length === 0 && <p class="hint">{text('noTypes')}</p>}
      <ul data-testid="sensor-types">
        {types.map((type) => (
          <li key={type.code}>
            <strong>{name(type)}</strong> ({type.code}, {type.unit}):{' '}
            {[
              ...type.rules.map((r) => `${r.code} ${rule(type, r)} → ${r.categoryCode}`),
              ...(type.silenceMinutes
                ? [`silence ${text('silenceLimit', { minutes: type.silenceMinutes })} → ${type.silenceCategoryCode}`]
                : []),
            ].join('; ')}
          </li>
        ))}
      </ul>
      {me.role === 'admin' && types.length > 0 && <RegisterDevice types={types} onRegistered={load} />}
    </section>
  );
}

/** An administrator registers a device at its point; the answer's key is shown once. */
function RegisterDevice({ types, onRegistered }: { types: DeviceType[]; onRegistered: () => Promise<void> }) {
  const text = useSensorsText();
  const [typeCode, setTypeCode] = useState(types[0]!.code);
  const [name, setName] = useState('');
  const [longitude, setLongitude] = useState('');
  const [latitude, setLatitude] = useState('');
  const [created, setCreated] = useState<NewDevice | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    try {
      const device = await api<NewDevice>('/sensors/devices', {
        method: 'POST',
        body: { typeCode, name: name.trim(), longitude: Number(longitude), latitude: Number(latitude) },
      });
      setCreated(device);
      setError(null);
      setName('');
      await onRegistered();
    } catch (e) {
      setError(errorText(e));
    }
  };

  const field = (label: string, value: string, set: (v: string) => void, testId: string) => (
    <label>
      {label}
      <input value={value} data-testid={testId} onInput={(e) => set((e.target as HTMLInputElement).value)} />
    </label>
  );
  return (
    <form
      class="action-form"
      data-testid="register-device"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>{text('register')}</h2>
      <label>
        {text('type')}
        <select value={typeCode} onChange={(e) => setTypeCode((e.target as HTMLSelectElement).value)}>
          {types.map((t) => (
            <option key={t.code} value={t.code}>
              {t.nameZh} ({t.code})
            </option>
          ))}
        </select>
      </label>
      {field(text('name'), name, setName, 'device-name')}
      {field(text('longitude'), longitude, setLongitude, 'device-longitude')}
      {field(text('latitude'), latitude, setLatitude, 'device-latitude')}
      <button type="submit">{text('save')}</button>
      {error && <p class="error">{error}</p>}
      {created && (
        <p data-testid="device-key">
          {text('keyOnce')} <code>{created.deviceKey}</code>
          <br />
          {text('topic')}: <code>{created.topic}</code>
        </p>
      )}
    </form>
  );
}
