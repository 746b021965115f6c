import type { WorkingCalendar } from '../calendar/index.ts';
import type { Db } from '../db/database.ts';
import type { Placement } from '../grid/index.ts';
import type { Clock } from '../lib/clock.ts';
import type { Actor } from '../organizations/index.ts';
import type { Keyring } from '../privacy/index.ts';
import type { LoopPolicy, TransitionAction } from './lifecycle.ts';

/** A citizen's reports in 24 hours unless configured: more than a resident has, far fewer than a flood. */
export const CITIZEN_CASES_PER_DAY = 20;

/** What the case services need from the outside world, passed in (no globals), so tests can set each. */
export interface CaseDeps {
  db: Db;
  clock: Clock;
  policy: LoopPolicy & {
    timeZone: string;
    /** How many cases one citizen account may report in 24 hours (default CITIZEN_CASES_PER_DAY). */
    citizenCasesPerDay?: number;
  };
  /**
   * Where a WGS-84 point is placed: the area holding it, or the nearest one within the snap distance
   * (marked as snapped); null outside the jurisdiction.
   */
  locateArea(longitude: number, latitude: number): Placement | null;
  /** The city's working calendar (deadlines are counted on it); `current` follows changes to it. */
  calendar: { readonly current: WorkingCalendar };
  /** The keys reporters' personal data is sealed with. */
  keyring: Keyring;
  /** The photos a step needs and is given (the media domain); without it, steps need no evidence. */
  evidence?: StepEvidence;
}

/** A step being taken, as the evidence rules read it. */
export interface EvidenceStep {
  caseId: string;
  eventId: string;
  action: TransitionAction;
  actor: Actor;
  /** The category's rules: 'handle' needs a photo after handling; a grid worker's 'verify_pass' a verification photo. */
  afterPhotoRequired: boolean;
  verificationPhotoRequired: boolean;
}

/**
 * Evidence on the steps of the loop, declared here and given by the media domain (which depends on the
 * cases domain, not the other way round).
 */
export interface StepEvidence {
  /** Inside the step's transaction: refuses it (409) when required evidence is missing, else files the evidence under it. */
  attachToStep(trx: Db, step: EvidenceStep): Promise<void>;
}
