import type { Command } from 'commander';
import { generateGrid } from '../../grid/index.ts';
import { actorForUsername } from '../../organizations/index.ts';
import { progressReporter } from '../progress.ts';
import { openConfiguredDatabase } from '../runtime.ts';

/** "100m", "100 m", "0.5km" or a plain number of metres. */
function parseLength(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(m|km)?\s*$/i.exec(text);
  const meters = match ? Number(match[1]) * (match[2]?.toLowerCase() === 'km' ? 1000 : 1) : Number.NaN;
  if (!(meters >= 10 && meters <= 10_000))
    throw new Error(`--cell takes a length from 10m to 10km, e.g. 100m (got "${text}")`);
  return meters;
}

export function gridCommand(program: Command) {
  const grid = program.command('grid').description('The city grid: areas and unit grids');

  grid
    .command('generate')
    .description(
      'Generate square unit grids (万米单元网格) over an area, clipped to it and numbered north→south, west→east',
    )
    .requiredOption('--within <code>', 'the area to cover, e.g. 430102 (芙蓉区)')
    .option('--cell <size>', 'cell size', '100m')
    .option('--replace', 'replace the area’s existing unit grids')
    .option('--as <username>', 'the administrator doing it', 'admin')
    .action(async (options: { within: string; cell: string; replace?: boolean; as: string }) => {
      const cellMeters = parseLength(options.cell);
      const handle = await openConfiguredDatabase();
      const cutting = progressReporter(`Cutting ${options.cell} cells over ${options.within}`);
      const saving = progressReporter('Saving cells');
      try {
        const actor = await actorForUsername(handle.db, options.as);
        if (!actor) throw new Error(`There is no user "${options.as}"`);
        const report = await generateGrid(handle.db, actor, {
          within: options.within,
          cellMeters,
          replace: options.replace,
          onProgress: (stage, done, total) => (stage === 'cutting' ? cutting : saving).update(done, total),
        });
        cutting.stop();
        saving.stop();
        console.log(
          `Generated ${report.cells} unit grids in ${report.within} (${report.clipped} cut by its boundary), ` +
            `codes ${report.firstCode} … ${report.lastCode}. Restart the server to place cases on them.`,
        );
      } finally {
        cutting.stop();
        saving.stop();
        await handle.close();
      }
    });
}
