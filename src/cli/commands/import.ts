import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CITY_TIME_ZONE, readConfig } from '../../config.ts';
import { AreaLocator } from '../../grid/index.ts';
import {
  CASE_HISTORY_TEMPLATES,
  type DatasetQuality,
  type ImportSummary,
  measureQuality,
  rejectionsCsv,
  runImport,
} from '../../hub/index.ts';
import { actorForUsername } from '../../organizations/index.ts';
import { progressReporter } from '../progress.ts';
import { openConfiguredDatabase, openKeyring } from '../runtime.ts';

function describe(summary: ImportSummary, file: string): string {
  const lines = [
    `${file} → ${summary.dataset} (${summary.format}${summary.encoding ? `, ${summary.encoding}` : ''})`,
    summary.resumedAfterRow ? `resumed after row ${summary.resumedAfterRow}` : null,
    `rows read ${summary.read}, imported or changed ${summary.imported}, unchanged ${summary.unchanged}, rejected ${summary.rejected}, unplaced ${summary.unplaced}`,
    ...Object.entries(summary.rejectedByReason).map(([reason, rows]) => `  rejected: ${reason}: ${rows}`),
    ...Object.entries(summary.unplacedByReason).map(([reason, rows]) => `  unplaced: ${reason}: ${rows}`),
  ];
  return lines.filter(Boolean).join('\n');
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

/** The quality measured after the import, the columns least complete first. */
function describeQuality(quality: DatasetQuality): string {
  const columns = Object.entries(quality.columns).sort((a, b) => a[1].completeness - b[1].completeness);
  return [
    `quality: ${quality.rows} rows, rejected ${percent(quality.rejectedShare ?? 0)}, newest record ${quality.timelinessDays} days old${quality.placedShare === undefined ? '' : `, placed ${percent(quality.placedShare)}`}`,
    ...columns
      .slice(0, 8)
      .map(
        ([name, c]) =>
          `  ${name}: complete ${percent(c.completeness)}, valid ${percent(c.validity)}, distinct ${percent(c.uniqueness)}`,
      ),
  ].join('\n');
}

export function importCommand(program: Command) {
  program
    .command('import')
    .description(
      'Import a file (CSV in any encoding, XLSX, JSON, NDJSON, GeoJSON, TopoJSON): a source’s history as historical cases (--source), or reference data into a dataset of its own (--dataset). Resumes after a crash; re-importing changes nothing.',
    )
    .argument('<file>')
    .option(
      '--source <key>',
      `a case-history source: ${Object.keys(CASE_HISTORY_TEMPLATES).join(', ')}, or a saved mapping`,
    )
    .option('--dataset <slug>', 'reference data: the dataset to import into (created on first import)')
    .option('--title <zh>', 'reference data: the dataset’s Chinese title (new dataset)')
    .option('--title-en <en>', 'reference data: the dataset’s English title (new dataset)')
    .option('--key <column>', 'reference data: the column holding each row’s own id')
    .option('--header-rows <n>', 'spreadsheets: rows the header spans (default: found from merged titles)')
    .option('--batch <n>', 'rows per committed batch', '1000')
    .option('--rejected <file>', 'where the rejected rows are written (default: <file>.rejected.csv)')
    .option('--as <username>', 'the administrator doing it', 'admin')
    .action(
      async (
        file: string,
        options: {
          source?: string;
          dataset?: string;
          title?: string;
          titleEn?: string;
          key?: string;
          headerRows?: string;
          batch: string;
          rejected?: string;
          as: string;
        },
      ) => {
        if (!options.source === !options.dataset)
          throw new Error('Give either --source (case history) or --dataset (reference data)');
        const config = readConfig();
        const handle = await openConfiguredDatabase(config);
        const progress = progressReporter(`import ${file}`);
        try {
          const actor = await actorForUsername(handle.db, options.as);
          if (!actor) throw new Error(`There is no user "${options.as}"`);
          const clock = { now: () => new Date() };
          const locator = new AreaLocator(handle.db, config.placementSnapMetres);
          await locator.reload();
          const summary = await runImport(
            {
              db: handle.db,
              keyring: await openKeyring(handle, config),
              locateArea: (longitude, latitude) => locator.place(longitude, latitude),
              cityTimeZone: CITY_TIME_ZONE,
              clock,
            },
            {
              path: file,
              target: options.source
                ? { kind: 'case_history', source: options.source }
                : {
                    kind: 'reference',
                    dataset: {
                      slug: options.dataset ?? '',
                      titleZh: options.title ?? options.dataset ?? '',
                      titleEn: options.titleEn ?? options.title ?? options.dataset ?? '',
                    },
                    keyColumn: options.key,
                  },
              userId: actor.userId,
              batchSize: Math.max(1, Number(options.batch) || 1000),
              headerRows: options.headerRows ? Number(options.headerRows) : undefined,
              onProgress: ({ bytes, totalBytes }) =>
                progress.update(Math.round(bytes / 1024), Math.round(totalBytes / 1024)),
            },
          );
          progress.stop();
          console.log(describe(summary, file));
          const quality = await measureQuality(handle.db, clock, summary.dataset);
          console.log(describeQuality(quality));
          if (summary.rejected) {
            const target = options.rejected ?? `${file}.rejected.csv`;
            await writeFile(target, await rejectionsCsv(handle.db, summary.importId));
            console.log(`rejected rows (row, column, reason, value): ${target}`);
          }
        } finally {
          progress.stop();
          await handle.close();
        }
      },
    );
}
