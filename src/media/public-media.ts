import { publicText, published } from '../cases/index.ts';
import type { Db } from '../db/database.ts';
import { storedVariant } from './media.ts';
import type { MediaStore } from './media-store.ts';

/** A photo as the public portal shows it: no flags, no evidence, no uploader. */
export interface PublicPhoto {
  id: string;
  stage: string;
  url: string;
  thumbnailUrl: string | null;
}

/** A photo a moderator kept from the public, and the reason the public reads (e.g. 含人脸). */
export interface HiddenPhoto {
  stage: string;
  reason: string;
}

/**
 * The photos of a published case that a moderator approved for the public (a photo waits, unseen, until
 * then: faces and number plates are checked by a person), and the reasons given for those hidden.
 * Documents are never public.
 */
export async function publicPhotos(
  db: Db,
  caseNumber: string,
): Promise<{ photos: PublicPhoto[]; hidden: HiddenPhoto[] }> {
  const rows = await db
    .selectFrom('case_media as m')
    .innerJoin('cases', 'cases.id', 'm.case_id')
    .select(['m.id', 'm.stage', 'm.thumbnail_hash', 'm.publication', 'm.moderation_reason'])
    .where('cases.case_number', '=', caseNumber)
    .where(published)
    .where('m.publication', 'in', ['approved', 'hidden'])
    .where('m.media_type', '<>', 'application/pdf')
    .orderBy('m.created_at')
    .orderBy('m.id')
    .execute();
  return {
    photos: rows
      .filter((row) => row.publication === 'approved')
      .map((row) => ({
        id: row.id,
        stage: row.stage,
        url: `/api/v1/public/media/${row.id}`,
        thumbnailUrl: row.thumbnail_hash ? `/api/v1/public/media/${row.id}/thumbnail` : null,
      })),
    hidden: rows
      .filter((row) => row.publication === 'hidden')
      .map((row) => ({ stage: row.stage, reason: publicText(row.moderation_reason ?? '') })),
  };
}

/** An approved photo of a published case, for anyone; anything else is not found (not "forbidden"). */
export async function openPublicMediaFile(
  deps: { db: Db; store: MediaStore },
  id: string,
  variant: 'original' | 'thumbnail',
) {
  const row = await deps.db
    .selectFrom('case_media as m')
    .innerJoin('cases', 'cases.id', 'm.case_id')
    .select(['m.media_type', 'm.content_hash', 'm.thumbnail_hash'])
    .where('m.id', '=', id)
    .where(published)
    .where('m.publication', '=', 'approved')
    .where('m.media_type', '<>', 'application/pdf')
    .executeTakeFirst();
  return storedVariant(deps.store, row, variant);
}
