import type { Generated, JSONColumnType } from 'kysely';

/** Where in the closed loop a file was taken: 现场, 处置前, 处置后, 核查, and the reporter's own (survey, reopen). */
export const MEDIA_STAGES = ['report', 'before', 'after', 'verification', 'citizen'] as const;
export type MediaStage = (typeof MEDIA_STAGES)[number];

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif'] as const;
export const MEDIA_TYPES = [...PHOTO_TYPES, 'application/pdf'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** Why a dispatcher should look twice at a photo. */
export type MediaFlag =
  | { kind: 'far_from_case'; distanceMetres: number }
  | { kind: 'taken_before_report'; hoursBefore: number }
  /** caseNumber: null when shown to someone who may not see that case. */
  | { kind: 'reused'; caseNumber: string | null; distance: number };

export const PUBLICATION_STATES = ['pending', 'approved', 'hidden'] as const;
export type Publication = (typeof PUBLICATION_STATES)[number];

export interface CaseMediaTable {
  id: Generated<string>;
  case_id: string;
  stage: MediaStage;
  event_id: string | null;
  uploaded_by_user_id: string;
  media_type: MediaType;
  byte_size: number;
  content_hash: string;
  upload_hash: string;
  thumbnail_hash: string | null;
  width: number | null;
  height: number | null;
  /** dHash as a signed 64-bit integer (PostgreSQL has no unsigned bigint). */
  perceptual_hash: string | null;
  sealed_evidence: string | null;
  key_id: string | null;
  flags: JSONColumnType<MediaFlag[]>;
  publication: Generated<Publication>;
  moderated_by_user_id: string | null;
  moderated_at: Date | null;
  moderation_reason: string | null;
  created_at: Generated<Date>;
}

/** A stored file no row may need any more, waiting to be removed from the media store. */
export interface MediaOrphanTable {
  content_hash: string;
  queued_at: Generated<Date>;
}

export interface MediaTables {
  case_media: CaseMediaTable;
  media_orphans: MediaOrphanTable;
}
