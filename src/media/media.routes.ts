import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { CaseNumberParams } from '../cases/index.ts';
import { AppError } from '../lib/app-error.ts';
import { errorResponses } from '../lib/http-schemas.ts';
import { badForm, mediaNotFound, tooManyFiles } from './media.errors.ts';
import { MediaIdParams, MediaListResponse, ModerationBody } from './media.schemas.ts';
import { MEDIA_STAGES, type MediaStage } from './media.tables.ts';
import {
  attachMedia,
  checkUploadTarget,
  discardFiles,
  listCaseMedia,
  type MediaDeps,
  moderateMedia,
  openMediaFile,
  type ReceivedFile,
  receiveFile,
  requireVisibleCase,
} from './media.ts';
import { openPublicMediaFile } from './public-media.ts';
import { uploadTooLarge } from './spool.ts';

/** What a multipart upload may hold besides its files: the stage, and room for a client's extra field. */
const MAX_FIELDS = 4;

export interface MediaRoutesOptions {
  deps: MediaDeps;
  /**
   * Answers an Idempotency-Key once the upload's fingerprint is known (idempotency/): 'run' to go on, or
   * 'replayed' when the first answer has been sent again (or a refusal of the key).
   */
  claimIdempotency(request: FastifyRequest, reply: FastifyReply, fingerprint: string): Promise<'run' | 'replayed'>;
  /** The fingerprint of the request with `content` in place of its body (method, route and parameters too). */
  fingerprintOf(request: FastifyRequest, content: unknown): string;
}

export const mediaRoutes: FastifyPluginAsyncTypebox<MediaRoutesOptions> = async (
  app,
  { deps, claimIdempotency, fingerprintOf },
) => {
  // Multipart only here: every other route still takes JSON alone. Files stream through; none is buffered.
  await app.register(multipart, {
    limits: {
      fileSize: deps.limits.maxFileBytes,
      files: deps.limits.maxFilesPerStage,
      fields: MAX_FIELDS,
      parts: deps.limits.maxFilesPerStage + MAX_FIELDS,
      fieldSize: 1024,
    },
  });

  app.post(
    '/cases/:caseNumber/media',
    {
      config: { action: 'case.media.upload', idempotent: 'in-handler' },
      schema: {
        tags: ['media'],
        summary: 'Attach photos or PDF documents to a case at a stage of the loop',
        description:
          'multipart/form-data: a field `stage` first (report, before, after, verification, citizen), then 1–' +
          `${deps.limits.maxFilesPerStage} files. Photos are re-encoded without metadata (their capture time and GPS are kept ` +
          'as sealed evidence); the type is read from the bytes. Honours Idempotency-Key.',
        consumes: ['multipart/form-data'],
        params: CaseNumberParams,
        response: { 201: MediaListResponse, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const { caseNumber } = request.params;
      if (!request.isMultipart()) {
        // Whether the case exists is said to those who may see it only, whatever was sent.
        await requireVisibleCase(deps.db, request.actor, caseNumber);
        throw badForm('the request is not multipart/form-data');
      }
      const files: ReceivedFile[] = [];
      try {
        let stage: MediaStage | undefined;
        const retryable = request.headers['idempotency-key'] !== undefined;
        let remaining = deps.limits.maxFilesPerStage;
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            if (part.fieldname !== 'stage' || stage) throw badForm(`unexpected field "${part.fieldname}"`);
            const value = String(part.value);
            if (!(MEDIA_STAGES as readonly string[]).includes(value)) {
              throw badForm(`"${value.slice(0, 40)}" is not a stage (${MEDIA_STAGES.join(', ')})`);
            }
            stage = value as MediaStage;
            // Refused before a byte of the files is read: a wrong stage or an unseen case costs nothing.
            // Not for a retry under an Idempotency-Key: the first may have taken effect (and moved the case
            // on), so the upload is read and its key answered first; the stage is checked again on attaching.
            if (retryable) await requireVisibleCase(deps.db, request.actor, caseNumber);
            else ({ remaining } = await checkUploadTarget(deps, request.actor, caseNumber, stage));
            continue;
          }
          if (!stage) {
            part.file.resume();
            throw badForm('the field "stage" must come before the files');
          }
          if (files.length >= remaining) {
            part.file.resume();
            throw tooManyFiles(deps.limits.maxFilesPerStage);
          }
          files.push(await receiveFile(deps, part.file));
        }
        if (!stage) throw badForm('the field "stage" is missing');
        if (!files.length) throw badForm('there is no file');

        const fingerprint = fingerprintOf(request, { stage, files: files.map((f) => f.uploadHash) });
        if ((await claimIdempotency(request, reply, fingerprint)) === 'replayed') return reply;

        const ids = await attachMedia(deps, request.actor, caseNumber, stage, files);
        reply.code(201);
        return { items: await listCaseMedia(deps, request.actor, caseNumber, ids) };
      } catch (error) {
        // Refused before the body was read to its end: the rest of it is not worth reading, and a
        // connection left with unread bytes would hang; the client opens a new one.
        reply.header('connection', 'close');
        throw multipartRefusal(error, deps);
      } finally {
        await discardFiles(files);
      }
    },
  );

  app.get(
    '/cases/:caseNumber/media',
    {
      config: { action: 'case.media.read' },
      schema: {
        tags: ['media'],
        summary: "A case's photos and documents, oldest first (flags and evidence for staff)",
        params: CaseNumberParams,
        response: { 200: MediaListResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => ({ items: await listCaseMedia(deps, request.actor, request.params.caseNumber) }),
  );

  // The same files twice: for those who may see the case (staff, its reporter), and for anyone once a
  // moderator approved the photo of a published case (the public portal).
  for (const audience of ['case', 'public'] as const) {
    for (const variant of ['original', 'thumbnail'] as const) {
      const prefix = audience === 'public' ? '/public/media/:id' : '/media/:id';
      app.get(
        variant === 'original' ? prefix : `${prefix}/thumbnail`,
        {
          config: audience === 'public' ? { public: true } : { action: 'case.media.read' },
          schema: {
            tags: audience === 'public' ? ['public'] : ['media'],
            summary:
              audience === 'public'
                ? `An approved photo of a published case${variant === 'thumbnail' ? ' (thumbnail)' : ''}`
                : variant === 'original'
                  ? 'A photo or document of a case you may see'
                  : 'The thumbnail of a photo',
            ...(audience === 'public' ? { security: [] } : {}),
            params: MediaIdParams,
            response: {
              200: Type.Unsafe({ type: 'string', format: 'binary', description: 'The file (photos: no metadata)' }),
              ...errorResponses(400, 401, 404),
            },
          },
        },
        async (request, reply) => {
          const file =
            audience === 'public'
              ? await openPublicMediaFile(deps, request.params.id, variant)
              : await openMediaFile(deps, request.actor, request.params.id, variant);
          if (!file) throw mediaNotFound(request.params.id);
          reply
            .type(file.mediaType)
            .header('content-length', String(file.byteSize))
            // A document is downloaded, never rendered in the console's origin; nothing may run in either.
            .header('content-disposition', file.mediaType === 'application/pdf' ? 'attachment' : 'inline')
            .header('content-security-policy', "default-src 'none'; sandbox");
          return reply.send(file.stream);
        },
      );
    }
  }

  app.post(
    '/media/:id/publication',
    {
      config: { action: 'case.media.moderate' },
      schema: {
        tags: ['media'],
        summary: 'Approve a photo for the public, or hide it, with the reason (faces, number plates)',
        params: MediaIdParams,
        body: ModerationBody,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      if (!(await moderateMedia(deps, request.actor, request.params.id, request.body))) {
        throw mediaNotFound(request.params.id);
      }
      return reply.code(204).send(null);
    },
  );
};

const MALFORMED_MULTIPART = /multipart|boundary|unexpected end of form|malformed|part header|premature close/i;

/** The multipart library's refusals in our words (its own are terse: "reach files limit"). */
function multipartRefusal(error: unknown, deps: MediaDeps): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') {
    return tooManyFiles(deps.limits.maxFilesPerStage);
  }
  if (code === 'FST_REQ_FILE_TOO_LARGE') return uploadTooLarge(deps.limits.maxFileBytes);
  if (code === 'FST_FIELDS_LIMIT') return badForm('too many fields');
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return badForm('the request is not multipart/form-data');
  // The parser's own complaints about the body (no boundary, cut short, a malformed part header): the
  // client's mistake, never a 500 (a phone would resend it for ever).
  if (!(error instanceof AppError) && error instanceof Error && MALFORMED_MULTIPART.test(error.message)) {
    return badForm(`the multipart body is malformed (${error.message})`);
  }
  return error;
}
