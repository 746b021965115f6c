import { useEffect, useState } from 'preact/hooks';
import { api, type CaseDetail as Detail, type Me } from '../api.ts';
import { ActionPanel } from '../components/ActionPanel.tsx';
import { BodyNames } from '../components/BodyName.tsx';
import { CaseLink } from '../components/CaseLink.tsx';
import { CaseMedia, useCaseMedia } from '../components/CaseMedia.tsx';
import { Deadlines } from '../components/Deadlines.tsx';
import { PublicDisplay } from '../components/PublicDisplay.tsx';
import { ReporterPanel } from '../components/ReporterPanel.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { SurveyForm, SurveyList, type SurveyOutcome } from '../components/Survey.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { useI18n } from '../i18n.ts';
import { useKnowledgeText } from '../knowledge/knowledge-text.ts';
import { ProposedAnswers } from '../knowledge/ProposedAnswers.tsx';
import { useReference } from '../reference-data.ts';
import { linkTo } from '../router.ts';

export function CaseDetail({ caseNumber, me }: { caseNumber: string; me: Me }) {
  const { t, term, name } = useI18n();
  const { categoryByCode, areaFor } = useReference();
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [surveyAnswer, setSurveyAnswer] = useState<SurveyOutcome | null>(null);
  const [answered, setAnswered] = useState(false);
  const knowledgeText = useKnowledgeText();
  const media = useCaseMedia(caseNumber, detail?.version ?? 0);

  const load = () =>
    api<Detail>(`/cases/${caseNumber}`)
      .then(setDetail)
      .catch((e: Error) => setError(e.message));

  useEffect(() => {
    setDetail(null);
    setError(null);
    setSurveyAnswer(null);
    setAnswered(false);
    void load();
  }, [caseNumber]);

  if (error) return <p class="error">{error}</p>;
  if (!detail) return <p>{t('loading')}</p>;
  const category = categoryByCode.get(detail.category.code);
  const path = [detail.category.code.slice(0, 2), detail.category.code.slice(0, 4), detail.category.code]
    .filter((code, i, all) => all.indexOf(code) === i)
    .map((code) => categoryByCode.get(code))
    .filter((c) => c !== undefined);
  const area = areaFor(detail.gridCode);

  return (
    <section class="case-detail" data-testid="case-detail">
      <p>
        <a {...linkTo('/cases')}>← {t('back')}</a>
      </p>
      <h1>
        <span class="case-number">{detail.caseNumber}</span> {detail.title}
      </h1>
      <div class="detail-grid">
        <div>
          <dl>
            <dt>{t('status')}</dt>
            <dd data-testid="case-status">
              <StatusBadge status={detail.status} />
              {detail.pendingExtension && (
                <span class="status status-pending" data-testid="pending-extension">
                  {t('extensionPending')}
                </span>
              )}
            </dd>
            <dt>{t('category')}</dt>
            <dd>{path.map((c) => name(c)).join(' / ') || (category ? name(category) : detail.category.code)}</dd>
            <dt>{t('body')}</dt>
            <dd data-testid="case-body">{detail.assignedBody ? name(detail.assignedBody) : '—'}</dd>
            <dt>{t('assistingBodies')}</dt>
            <dd>
              <BodyNames ids={detail.assistingBodyIds} />
            </dd>
            <dt>{t('channel')}</dt>
            <dd>{term(detail.channel)}</dd>
            <dt>{t('priority')}</dt>
            <dd data-testid="case-priority">
              {term(detail.priority)}
              {detail.requestedPriority && detail.requestedPriority !== detail.priority && (
                <span class="hint" data-testid="requested-priority">
                  {' · '}
                  {t('requestedPriority').replace('{priority}', term(detail.requestedPriority))}
                </span>
              )}
            </dd>
            <dt>{t('district')}</dt>
            <dd>{area ? name(area) : '—'}</dd>
            <dt>{t('gridCode')}</dt>
            <dd class="case-number">{detail.gridCode ?? '—'}</dd>
            <dt>{t('address')}</dt>
            <dd>{detail.address ?? '—'}</dd>
            <dt>{t('location')}</dt>
            <dd>
              {detail.location
                ? `${detail.location.longitude.toFixed(5)}, ${detail.location.latitude.toFixed(5)}`
                : '—'}
              {detail.placementSnappedMetres !== null && (
                <span class="hint" data-testid="placement-snapped">
                  {' · '}
                  {t('snappedToNearestArea').replace('{metres}', String(detail.placementSnappedMetres))}
                </span>
              )}
            </dd>
            <dt>{t('reworkCount')}</dt>
            <dd data-testid="rework-count">{detail.reworkCount}</dd>
            <dt>{t('meTooCount')}</dt>
            <dd data-testid="me-too-count">{detail.meTooCount}</dd>
            {detail.parentCaseNumber && (
              <>
                <dt>{t('parentCase')}</dt>
                <dd data-testid="parent-case">
                  <CaseLink caseNumber={detail.parentCaseNumber} />
                </dd>
              </>
            )}
            {detail.mergedCaseNumbers.length > 0 && (
              <>
                <dt>{t('mergedCases')}</dt>
                <dd data-testid="merged-cases" class="link-list">
                  {detail.mergedCaseNumbers.map((n) => (
                    <CaseLink key={n} caseNumber={n} />
                  ))}
                </dd>
              </>
            )}
          </dl>
          <p class="description">{detail.description}</p>
          {detail.textPlacement && (
            <p class="hint" data-testid="text-placement">
              {t('placedFromText')}: {detail.textPlacement.areaCode} (
              {Math.round(detail.textPlacement.confidence * 100)}%) — {detail.textPlacement.evidence.join('、')}
            </p>
          )}
          {detail.urgencyFlags.length > 0 && (
            <p class="danger" data-testid="urgency-flags">
              {t('urgencyEvidence')}:{' '}
              {detail.urgencyFlags.map((f) => (
                <mark key={`${f.start}`}>
                  {term(f.danger)}: “{f.evidence}”
                </mark>
              ))}
            </p>
          )}
        </div>
        <div class="side-column">
          <ActionPanel detail={detail} onDone={setDetail} />
          {/* 直接答复: while the desk may still answer the case at first contact, from the knowledge base. */}
          {detail.allowedActions.includes('answer') && (
            <ProposedAnswers
              detail={detail}
              onAnswered={() => {
                setAnswered(true);
                void load();
              }}
            />
          )}
          {answered && (
            <p class="notice" role="status" data-testid="answered-notice">
              {knowledgeText('answered')}
            </p>
          )}
          {/* Staff only: the server sends no reporter to citizens (their own data is under "My data"). */}
          {detail.reporter && (
            <ReporterPanel
              caseNumber={detail.caseNumber}
              reporter={detail.reporter}
              me={me}
              onChange={(reporter) => setDetail((d) => (d ? { ...d, reporter } : d))}
            />
          )}
          {surveyAnswer !== null && (
            <p class="notice" data-testid="survey-result" data-reopened={String(surveyAnswer.reopened)}>
              {surveyAnswer.reopened
                ? t('surveyReopened')
                : surveyAnswer.satisfaction === 'dissatisfied'
                  ? t('surveyNotReopened')
                  : t('surveyThanks')}
            </p>
          )}
          {/* The server says when: the reporter, or the desk calling back a reporter on record, once per closure. */}
          {detail.mayAnswerSurvey && (
            <SurveyForm
              caseNumber={detail.caseNumber}
              onAnswered={(outcome) => {
                setSurveyAnswer(outcome);
                void load();
              }}
            />
          )}
        </div>
      </div>
      <CaseMedia detail={detail} me={me} items={media.items} reload={media.reload} />
      {/* The desk moderates what the public portal shows: words and photos, with a public reason. */}
      {(me.role === 'dispatcher' || me.role === 'supervisor') && (
        <PublicDisplay
          caseNumber={detail.caseNumber}
          version={detail.version}
          photos={media.items}
          reloadPhotos={() => void media.reload()}
        />
      )}
      <h2>{t('deadlines')}</h2>
      <Deadlines deadlines={detail.deadlines} />
      <h2>{t('surveys')}</h2>
      <SurveyList surveys={detail.surveys} />
      <h2>{t('timeline')}</h2>
      <Timeline events={detail.events} deadlines={detail.deadlines} media={media.items} />
    </section>
  );
}
