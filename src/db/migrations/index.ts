import type { Migration } from 'kysely';
import * as foundation from './2026-11-24T0800-foundation.ts';
import * as settings from './2026-11-24T1000-settings.ts';
import * as outsideJurisdiction from './2026-11-24T1100-cases-outside-jurisdiction.ts';
import * as jurisdictions from './2026-11-24T1200-jurisdictions.ts';
import * as closedLoop from './2026-11-24T1400-closed-loop.ts';
import * as peopleAndPermissions from './2026-11-24T1600-people-and-permissions.ts';
import * as auditLog from './2026-11-24T1700-audit-log.ts';
import * as textIntelligence from './2026-11-24T1800-text-intelligence.ts';
import * as securityReview from './2026-12-02T0900-security-review.ts';
import * as applicationRole from './2026-12-02T1000-application-role.ts';
import * as fieldEvidence from './2026-12-03T0900-field-evidence.ts';
import * as placementSnapping from './2026-12-03T1000-placement-snapping.ts';
import * as knowledgeBase from './2026-12-03T1500-knowledge-base.ts';
import * as caseChanges from './2026-12-04T1200-case-changes.ts';
import * as publicParticipation from './2026-12-04T1400-public-participation.ts';
import * as categoryAttributes from './2026-12-04T2000-category-attributes.ts';
import * as subscriptions from './2026-12-04T2100-subscriptions.ts';
import * as dataHub from './2026-12-05T0900-data-hub.ts';
import * as openData from './2026-12-05T0920-open-data.ts';
import * as sensors from './2026-12-05T0930-sensors.ts';
import * as dataSharing from './2026-12-05T0940-data-sharing.ts';

/**
 * The one ordered migration set, listed statically (no directory scanning, so it also works bundled).
 * Append new migrations at the end; never edit one that has shipped.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '2026-11-24T0800-foundation': foundation,
  '2026-11-24T1000-settings': settings,
  '2026-11-24T1100-cases-outside-jurisdiction': outsideJurisdiction,
  '2026-11-24T1200-jurisdictions': jurisdictions,
  '2026-11-24T1400-closed-loop': closedLoop,
  '2026-11-24T1600-people-and-permissions': peopleAndPermissions,
  '2026-11-24T1700-audit-log': auditLog,
  '2026-11-24T1800-text-intelligence': textIntelligence,
  '2026-12-02T0900-security-review': securityReview,
  '2026-12-02T1000-application-role': applicationRole,
  '2026-12-03T0900-field-evidence': fieldEvidence,
  '2026-12-03T1000-placement-snapping': placementSnapping,
  '2026-12-03T1500-knowledge-base': knowledgeBase,
  '2026-12-04T1200-case-changes': caseChanges,
  '2026-12-04T1400-public-participation': publicParticipation,
  '2026-12-04T2000-category-attributes': categoryAttributes,
  '2026-12-04T2100-subscriptions': subscriptions,
  '2026-12-05T0900-data-hub': dataHub,
  '2026-12-05T0920-open-data': openData,
  '2026-12-05T0930-sensors': sensors,
  '2026-12-05T0940-data-sharing': dataSharing,
};
