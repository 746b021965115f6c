import { useEffect, useState } from 'preact/hooks';
import { api, errorText, type Me } from '../api.ts';
import type { Answer, Body, Item } from '../api-shapes.ts';
import { useI18n } from '../i18n.ts';
import { useSharingText } from './sharing-text.ts';

type ShareRequest = Item<Answer<'/sharing/requests'>>;
type LegalBasis = Item<Answer<'/sharing/legal-bases'>>;
type Dataset = Item<Answer<'/catalogue/datasets'>>;
type DatasetDetail = Answer<'/catalogue/datasets/{slug}'>;
type Rows = Answer<'/sharing/grants/{id}/rows'>;
type NewRequest = Body<'/sharing/requests', 'post'>;

/** An ISO instant from a date input's value, at midnight in the city (UTC+8, no daylight saving). */
const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`).toISOString();
const dayOf = (instant: Date) => new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * 数据共享: the requests my body made (with their state and grant), those waiting for my body's decision
 * (approve, narrowed, or refuse with a reason), and the grants either way; a handler asks for another
 * body's dataset here. The data steward decides for every dataset; the auditor reads.
 */
export function DataSharing({ me }: { me: Me }) {
  const text = useSharingText();
  const [requests, setRequests] = useState<ShareRequest[] | null>(null);
  const [bases, setBases] = useState<LegalBasis[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    Promise.all([api<{ items: ShareRequest[] }>('/sharing/requests'), api<LegalBasis[]>('/sharing/legal-bases')])
      .then(([r, b]) => {
        setRequests(r.items);
        setBases(b);
        setError(null);
      })
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    void load();
  }, []);

  const body = me.handlingBodyId;
  const mine = (requests ?? []).filter((r) => r.requestingBody.id === body);
  const decides = me.role === 'data_steward' || me.role === 'handler';
  const toDecide = (requests ?? []).filter(
    (r) => r.state === 'pending' && decides && (me.role === 'data_steward' || r.ownerBody.id === body),
  );
  const grants = (requests ?? []).filter((r) => r.grant);

  return (
    <section class="sharing" data-testid="data-sharing">
      <h1>{text('title')}</h1>
      <p class="hint">{text('intro')}</p>
      {error && <p class="error">{error}</p>}
      {!requests && !error && <p>{text('loading')}</p>}
      {requests && (
        <>
          {me.role === 'handler' && (
            <>
              <h2>{text('mine')}</h2>
              <RequestTable items={mine} bases={bases} me={me} onChange={load} testId="share-requests-mine" />
            </>
          )}
          {decides && (
            <>
              <h2>{text('toDecide')}</h2>
              {toDecide.length === 0 && <p class="empty">{text('none')}</p>}
              {toDecide.map((r) => (
                <Decision key={r.id} request={r} bases={bases} onDecided={load} />
              ))}
            </>
          )}
          <h2>{text('grants')}</h2>
          <RequestTable items={grants} bases={bases} me={me} onChange={load} testId="share-grants" />
          {me.role === 'handler' && <AskForm me={me} bases={bases} onAsked={load} />}
        </>
      )}
    </section>
  );
}

function useBasisLabel(bases: LegalBasis[]) {
  const { language } = useI18n();
  return (code: string) => {
    const found = bases.find((b) => b.code === code);
    return found ? (language === 'zh-CN' ? found.zh : found.en) : code;
  };
}

function RequestTable(props: {
  items: ShareRequest[];
  bases: LegalBasis[];
  me: Me;
  onChange: () => Promise<void>;
  testId: string;
}) {
  const text = useSharingText();
  const { name, date, language } = useI18n();
  const basis = useBasisLabel(props.bases);
  const [rows, setRows] = useState<{ id: string; page: Rows } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = async (path: string, body: object = {}) => {
    try {
      await api(path, { method: 'POST', body });
      setError(null);
      await props.onChange();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const preview = async (grantId: string) => {
    try {
      setRows({ id: grantId, page: await api<Rows>(`/sharing/grants/${grantId}/rows?limit=20`) });
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  };
  if (props.items.length === 0) return <p class="empty">{text('none')}</p>;
  const live = (r: ShareRequest) => r.state === 'active' || r.state === 'scheduled';
  return (
    <>
      {error && <p class="error">{error}</p>}
      <table class="cases" data-testid={props.testId}>
        <thead>
          <tr>
            <th>{text('dataset')}</th>
            <th>{text('requester')}</th>
            <th>{text('owner')}</th>
            <th>{text('fields')}</th>
            <th>{text('purpose')}</th>
            <th>{text('period')}</th>
            <th>{text('state')}</th>
            <th>{text('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((r) => {
            const holder = r.requestingBody.id === props.me.handlingBodyId;
            const owner = r.ownerBody.id === props.me.handlingBodyId || props.me.role === 'data_steward';
            return (
              <tr key={r.id} data-request={r.id} data-state={r.state}>
                <td class="title-cell">{language === 'zh-CN' ? r.dataset.titleZh : r.dataset.titleEn}</td>
                <td data-label={text('requester')}>{name(r.requestingBody)}</td>
                <td data-label={text('owner')}>{name(r.ownerBody)}</td>
                <td data-label={text('fields')}>{(r.grant?.fields ?? r.fields).join(', ')}</td>
                <td data-label={text('purpose')}>
                  {r.purpose}
                  <br />
                  <small>{basis(r.legalBasis)}</small>
                </td>
                <td data-label={text('period')} class="nowrap">
                  {date(r.grant?.validFrom ?? r.periodFrom)} – {date(r.grant?.validUntil ?? r.periodTo)}
                </td>
                <td data-label={text('state')}>
                  <span class="nowrap">{text(r.state)}</span>
                  {r.refusalReason && <small> · {text('refusedBecause', { reason: r.refusalReason })}</small>}
                  {r.grant?.endReason && <small> · {r.grant.endReason}</small>}
                </td>
                <td data-label={text('actions')}>
                  {holder && r.state === 'pending' && (
                    <button type="button" onClick={() => act(`/sharing/requests/${r.id}/withdraw`)}>
                      {text('withdraw')}
                    </button>
                  )}
                  {holder && r.grant && r.state === 'active' && (
                    <button type="button" data-testid="share-preview" onClick={() => preview(r.grant!.id)}>
                      {text('preview')}
                    </button>
                  )}
                  {holder && r.grant && live(r) && (
                    <button type="button" onClick={() => act(`/sharing/requests/${r.id}/withdraw`)}>
                      {text('giveBack')}
                    </button>
                  )}
                  {owner && !holder && r.grant && live(r) && (
                    <RevokeButton
                      grantId={r.grant.id}
                      onRevoke={(reason) => act(`/sharing/grants/${r.grant!.id}/revoke`, { reason })}
                    />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows && (
        <div class="panel" data-testid="share-rows">
          <p class="hint">{text('rows', { total: rows.page.total })}</p>
          <table class="cases compact">
            <thead>
              <tr>
                {rows.page.fields.map((f) => (
                  <th key={f}>{f}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.page.rows.map((row, i) => (
                <tr key={i}>
                  {rows.page.fields.map((f) => (
                    <td key={f}>{row[f] === null || row[f] === undefined ? '—' : String(row[f])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function RevokeButton({ grantId, onRevoke }: { grantId: string; onRevoke: (reason: string) => Promise<void> }) {
  const text = useSharingText();
  const [reason, setReason] = useState('');
  return (
    <span class="nowrap" data-grant={grantId}>
      <input
        value={reason}
        placeholder={text('reason')}
        aria-label={text('reason')}
        onInput={(e) => setReason((e.target as HTMLInputElement).value)}
      />
      <button type="button" disabled={!reason.trim()} onClick={() => onRevoke(reason.trim())}>
        {text('revoke')}
      </button>
    </span>
  );
}

/** One request waiting for a decision: tick the fields to grant, shorten the period, or refuse with a reason. */
function Decision({
  request,
  bases,
  onDecided,
}: {
  request: ShareRequest;
  bases: LegalBasis[];
  onDecided: () => Promise<void>;
}) {
  const text = useSharingText();
  const { name, language } = useI18n();
  const basis = useBasisLabel(bases);
  const [fields, setFields] = useState<string[]>(request.fields);
  const [to, setTo] = useState(dayOf(new Date(request.periodTo)));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const decide = async (path: string, body: object) => {
    try {
      await api(`/sharing/requests/${request.id}/${path}`, { method: 'POST', body });
      setError(null);
      await onDecided();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const asked = dayOf(new Date(request.periodTo));
  return (
    <div class="panel action-form" data-testid="share-decision" data-request={request.id}>
      <p>
        <strong>{name(request.requestingBody)}</strong> →{' '}
        {language === 'zh-CN' ? request.dataset.titleZh : request.dataset.titleEn} · {basis(request.legalBasis)}
      </p>
      <p>{request.purpose}</p>
      <fieldset>
        <legend>{text('fields')}</legend>
        {request.fields.map((f) => (
          <label key={f} class="nowrap">
            <input
              type="checkbox"
              checked={fields.includes(f)}
              onChange={(e) =>
                setFields((e.target as HTMLInputElement).checked ? [...fields, f] : fields.filter((x) => x !== f))
              }
            />{' '}
            {f}
          </label>
        ))}
      </fieldset>
      <label>
        {text('to')}
        <input type="date" value={to} max={asked} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
      </label>
      <p class="hint">{text('approveHint')}</p>
      <button
        type="button"
        disabled={fields.length === 0}
        onClick={() =>
          decide('approve', {
            fields,
            // The asked end unless the day was moved earlier: a date input cannot say the asked instant.
            ...(to < asked ? { to: dayStart(to) } : {}),
          })
        }
      >
        {text('approve')}
      </button>
      <label>
        {text('reason')}
        <input value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
      </label>
      <button type="button" disabled={!reason.trim()} onClick={() => decide('refuse', { reason: reason.trim() })}>
        {text('refuse')}
      </button>
      {error && <p class="error">{error}</p>}
    </div>
  );
}

/** A handler asks for another body's dataset: its fields from the catalogue's schema. */
function AskForm({ me, bases, onAsked }: { me: Me; bases: LegalBasis[]; onAsked: () => Promise<void> }) {
  const text = useSharingText();
  const { language } = useI18n();
  const [datasets, setDatasets] = useState<Dataset[]>([]);
  const [slug, setSlug] = useState('');
  const [detail, setDetail] = useState<DatasetDetail | null>(null);
  const [fields, setFields] = useState<string[]>([]);
  const [purpose, setPurpose] = useState('');
  const [legalBasis, setLegalBasis] = useState<NewRequest['legalBasis']>('statutory_duty');
  const today = dayOf(new Date());
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(dayOf(new Date(Date.now() + 30 * 86_400_000)));
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<{ items: Dataset[] }>('/catalogue/datasets')
      .then((d) => setDatasets(d.items.filter((x) => x.owner && x.owner.id !== me.handlingBodyId)))
      .catch((e) => setError(errorText(e)));
  }, [me.handlingBodyId]);
  useEffect(() => {
    setFields([]);
    setDetail(null);
    if (!slug) return;
    api<DatasetDetail>(`/catalogue/datasets/${slug}`)
      .then(setDetail)
      .catch((e) => setError(errorText(e)));
  }, [slug]);

  const submit = async () => {
    try {
      const body: NewRequest = {
        dataset: slug,
        fields,
        purpose: purpose.trim(),
        legalBasis,
        from: dayStart(from),
        to: dayStart(to),
      };
      await api('/sharing/requests', { method: 'POST', body });
      setError(null);
      setSlug('');
      setPurpose('');
      await onAsked();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <form
      class="action-form"
      data-testid="share-ask"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>{text('ask')}</h2>
      <label>
        {text('dataset')}
        <select value={slug} onChange={(e) => setSlug((e.target as HTMLSelectElement).value)}>
          <option value="">{text('chooseDataset')}</option>
          {datasets.map((d) => (
            <option key={d.slug} value={d.slug}>
              {language === 'zh-CN' ? d.titleZh : d.titleEn} ({d.slug})
            </option>
          ))}
        </select>
      </label>
      {detail && (
        <fieldset>
          <legend>{text('fields')}</legend>
          {detail.columns.map((c) => (
            <label key={c.name} class="nowrap">
              <input
                type="checkbox"
                value={c.name}
                checked={fields.includes(c.name)}
                onChange={(e) =>
                  setFields(
                    (e.target as HTMLInputElement).checked ? [...fields, c.name] : fields.filter((x) => x !== c.name),
                  )
                }
              />{' '}
              {c.name}
              {c.personal ? ' ⚠' : ''}
            </label>
          ))}
        </fieldset>
      )}
      <label>
        {text('purpose')}
        <textarea value={purpose} onInput={(e) => setPurpose((e.target as HTMLTextAreaElement).value)} />
      </label>
      <label>
        {text('legalBasis')}
        <select
          value={legalBasis}
          onChange={(e) => setLegalBasis((e.target as HTMLSelectElement).value as NewRequest['legalBasis'])}
        >
          {bases.map((b) => (
            <option key={b.code} value={b.code}>
              {language === 'zh-CN' ? b.zh : b.en}
            </option>
          ))}
        </select>
      </label>
      <label>
        {text('from')}
        <input type="date" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        {text('to')}
        <input type="date" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit" disabled={!slug || fields.length === 0 || !purpose.trim()}>
        {text('submit')}
      </button>
      {error && <p class="error">{error}</p>}
    </form>
  );
}
