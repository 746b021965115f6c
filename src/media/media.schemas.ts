import { Type } from 'typebox';
import { DateTime, Nullable } from '../lib/http-schemas.ts';
import { MEDIA_STAGES, MEDIA_TYPES, PUBLICATION_STATES } from './media.tables.ts';

const MediaFlagSchema = Type.Union([
  Type.Object({ kind: Type.Literal('far_from_case'), distanceMetres: Type.Number() }),
  Type.Object({ kind: Type.Literal('taken_before_report'), hoursBefore: Type.Number() }),
  Type.Object({
    kind: Type.Literal('reused'),
    caseNumber: Nullable(Type.String({ description: 'null: a case you may not see' })),
    distance: Type.Number(),
  }),
]);

export const MediaItemResponse = Type.Object({
  id: Type.String({ format: 'uuid' }),
  stage: Type.Enum(MEDIA_STAGES, {
    description: 'report 现场, before 处置前, after 处置后, verification 核查, citizen (survey, reopen)',
  }),
  mediaType: Type.Enum(MEDIA_TYPES),
  byteSize: Type.Integer(),
  width: Nullable(Type.Integer()),
  height: Nullable(Type.Integer()),
  url: Type.String({ description: 'The file, through an authorised route (never a public path)' }),
  thumbnailUrl: Nullable(Type.String({ description: 'A 320 px WebP thumbnail of a photo' })),
  eventSeq: Nullable(Type.Integer({ description: 'The step of the history this evidence was filed under' })),
  publication: Type.Enum(PUBLICATION_STATES, {
    description: 'Shown to the public only once a moderator approved it',
  }),
  moderationReason: Nullable(Type.String({ description: "The moderator's reason, which the public reads" })),
  createdAt: DateTime,
  flags: Type.Array(MediaFlagSchema, { description: 'Why a dispatcher should look twice (staff only)' }),
  evidence: Nullable(
    Type.Object(
      {
        takenAt: Nullable(Type.String()),
        longitude: Nullable(Type.Number()),
        latitude: Nullable(Type.Number()),
      },
      { description: 'Capture time and GPS read from the photo before its metadata was removed (staff only)' },
    ),
  ),
});

export const MediaListResponse = Type.Object({ items: Type.Array(MediaItemResponse) });

export const MediaIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const ModerationBody = Type.Object(
  {
    publication: Type.Union([Type.Literal('approved'), Type.Literal('hidden')]),
    reason: Type.String({ minLength: 1, maxLength: 500, description: 'Shown with a hidden photo, e.g. 含人脸' }),
  },
  { additionalProperties: false },
);
