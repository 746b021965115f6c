import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../lib/app-error.ts';
import { DateTime, errorResponses, Nullable, Uuid } from '../lib/http-schemas.ts';
import { badFile, importNotFound } from './hub.errors.ts';
import { type ImportDeps, type ImportTarget, rejectedByReason, rejectionsCsv, runImport } from './import-runner.ts';
import { measureQuality } from './quality.ts';
import { FILE_FORMATS } from './readers.ts';

const tags = ['data catalogue'];
const EXTENSIONS = ['.csv', '.tsv', '.txt', '.xlsx', '.json', '.ndjson', '.jsonl', '.geojson', '.topojson'];
const FIELDS = ['source', 'dataset', 'title', 'titleEn', 'key'] as const;

const ImportResponse = Type.Object({
  id: Uuid,
  dataset: Type.String(),
  fileName: Type.String(),
  format: Type.String(),
  encoding: Nullable(Type.String()),
  status: Type.Union([Type.Literal('running'), Type.Literal('completed'), Type.Literal('failed')]),
  error: Nullable(Type.String()),
  fileBytes: Type.Integer(),
  rowsRead: Type.Integer(),
  rowsImported: Type.Integer(),
  rowsUnchanged: Type.Integer(),
  rowsRejected: Type.Integer(),
  rowsUnplaced: Type.Integer(),
  unplacedByReason: Type.Record(Type.String(), Type.Integer()),
  rejectedByReason: Type.Record(Type.String(), Type.Integer()),
  startedAt: DateTime,
  finishedAt: Nullable(DateTime),
});

/**
 * Imports from the console (数据导入): a data steward or an administrator uploads a file and names its
 * source (a case-history template or saved mapping) or the reference dataset it goes into. The file is
 * kept under the data folder and imported in the background; the answer (202) names the import, whose
 * progress and outcome the console polls. A file that cannot be read is refused at once (400).
 */
export const importRoutes: FastifyPluginAsyncTypebox<{
  deps: ImportDeps;
  uploadDir: string;
  maxFileBytes: number;
}> = async (app, { deps, uploadDir, maxFileBytes }) => {
  await app.register(multipart, {
    limits: { fileSize: maxFileBytes, files: 1, fields: FIELDS.length, fieldSize: 200 },
  });

  const describe = async (id: string) => {
    const run = await deps.db
      .selectFrom('dataset_imports')
      .innerJoin('datasets', 'datasets.id', 'dataset_imports.dataset_id')
      .selectAll('dataset_imports')
      .select('datasets.slug')
      .where('dataset_imports.id', '=', id)
      .executeTakeFirst();
    if (!run) throw importNotFound(id);
    return {
      id: run.id,
      dataset: run.slug,
      fileName: run.file_name,
      format: run.format,
      encoding: run.encoding,
      status: run.status,
      error: run.error,
      fileBytes: Number(run.file_bytes),
      rowsRead: run.rows_read,
      rowsImported: run.rows_imported,
      rowsUnchanged: run.rows_unchanged,
      rowsRejected: run.rows_rejected,
      rowsUnplaced: run.rows_unplaced,
      unplacedByReason: run.unplaced_reasons,
      rejectedByReason: await rejectedByReason(deps.db, id),
      startedAt: run.started_at,
      finishedAt: run.finished_at,
    };
  };

  app.post(
    '/catalogue/imports',
    {
      config: { action: 'catalogue.import' },
      schema: {
        tags,
        summary: 'Upload a file to import: a source’s history as historical cases, or reference data into a dataset',
        description:
          'multipart/form-data: the fields first — `source` (nyc311, sf311, la311, teddycup or a saved mapping), or ' +
          '`dataset` (its name) with `title`, `titleEn` and `key` (the id column) — then one `file` (CSV in any ' +
          `encoding, ${FILE_FORMATS.join(', ')}). Answers 202 once the file is known to be readable; the import ` +
          'goes on in the background (GET /catalogue/imports/{id}).',
        consumes: ['multipart/form-data'],
        response: { 202: ImportResponse, ...errorResponses(400, 401, 403, 413) },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw badFile('send it as multipart/form-data');
      const fields: Partial<Record<(typeof FIELDS)[number], string>> = {};
      let stored: { path: string; name: string } | null = null;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            if (!(FIELDS as readonly string[]).includes(part.fieldname))
              throw badFile(`unexpected field "${part.fieldname}"`);
            fields[part.fieldname as (typeof FIELDS)[number]] = String(part.value).trim();
            continue;
          }
          const extension = extname(part.filename).toLowerCase();
          if (!EXTENSIONS.includes(extension)) {
            part.file.resume();
            throw badFile(`${extension || 'a file without an extension'} is not a format the importer reads`);
          }
          await mkdir(uploadDir, { recursive: true });
          const path = join(uploadDir, `${randomUUID()}${extension}`);
          stored = { path, name: part.filename };
          await pipeline(part.file, createWriteStream(path));
          if (part.file.truncated)
            throw new AppError('HUB_ERR_FILE_TOO_LARGE', 413, `The file is larger than ${maxFileBytes} bytes`);
        }
        if (!stored) throw badFile('there is no file');
        if (!fields.source === !fields.dataset)
          throw badFile('name either a source (historical cases) or a dataset (reference data)');
        const target: ImportTarget = fields.source
          ? { kind: 'case_history', source: fields.source }
          : {
              kind: 'reference',
              dataset: {
                slug: fields.dataset ?? '',
                titleZh: fields.title || (fields.dataset ?? ''),
                titleEn: fields.titleEn || fields.title || (fields.dataset ?? ''),
              },
              keyColumn: fields.key || undefined,
            };
        const file = stored;
        const importId = await new Promise<string>((resolve, reject) => {
          runImport(deps, {
            path: file.path,
            fileName: file.name,
            target,
            userId: request.actor.userId,
            onStarted: resolve,
          })
            .then(async (summary) => {
              await measureQuality(deps.db, deps.clock, summary.dataset);
              request.log.info({ importId: summary.importId, dataset: summary.dataset }, 'import completed');
            })
            .catch((error: unknown) => {
              reject(error); // before it started: the answer; after: ignored (the import is marked failed)
              request.log.warn({ err: error }, 'import failed');
            })
            .finally(() => rm(file.path, { force: true }));
        });
        reply.code(202);
        return describe(importId);
      } catch (error) {
        if (stored) await rm(stored.path, { force: true });
        throw error;
      }
    },
  );

  app.get(
    '/catalogue/imports/:id',
    {
      config: { action: 'catalogue.read' },
      schema: {
        tags,
        summary: 'An import: its progress while it runs, then its counts (rejected and unplaced rows by reason)',
        params: Type.Object({ id: Uuid }),
        response: { 200: ImportResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => describe(request.params.id),
  );

  app.get(
    '/catalogue/imports/:id/rejected.csv',
    {
      config: { action: 'catalogue.import' },
      schema: {
        tags,
        summary: 'An import’s rejected rows as CSV: row number, column, reason and value',
        params: Type.Object({ id: Uuid }),
        produces: ['text/csv'],
        response: { 200: Type.String(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await describe(request.params.id);
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="rejected-${request.params.id}.csv"`);
      return rejectionsCsv(deps.db, request.params.id);
    },
  );
};
