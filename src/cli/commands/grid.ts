import fs from 'node:fs';
import type { Command } from 'commander';
import { feature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import {
  AREA_LEVELS,
  type AreaLevel,
  type BoundaryProblem,
  type CellShape,
  COORDINATE_SYSTEMS,
  type CoordinateSystem,
  generateGrid,
  importAreas,
} from '../../grid/index.ts';
import { AppError } from '../../lib/app-error.ts';
import { actorForUsername } from '../../organizations/index.ts';
import { progressReporter } from '../progress.ts';
import { openConfiguredDatabase } from '../runtime.ts';

function describeProblem(found: BoundaryProblem) {
  const which =
    found.feature >= 0
      ? `feature ${found.feature} ${found.code ?? '(no code)'} ${found.name ?? ''}`.trimEnd()
      : `the import${found.code ? ` ${found.code}` : ''}`;
  return `${which}: ${found.problem.replaceAll('_', ' ')}: ${found.detail}`;
}

function parseResolution(text: string): number {
  const resolution = Number(text);
  if (!Number.isInteger(resolution) || resolution < 5 || resolution > 13)
    throw new Error(`--h3 takes a resolution from 5 to 13 (got "${text}")`);
  return resolution;
}

/** "100m", "100 m", "0.5km" or a plain number of metres. */
function parseLength(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(m|km)?\s*$/i.exec(text);
  const meters = match ? Number(match[1]) * (match[2]?.toLowerCase() === 'km' ? 1000 : 1) : Number.NaN;
  if (!(meters >= 10 && meters <= 10_000))
    throw new Error(`--cell takes a length from 10m to 10km, e.g. 100m (got "${text}")`);
  return meters;
}

/** A GeoJSON FeatureCollection from a GeoJSON or TopoJSON file (TopoJSON: the named object, else the first). */
function readBoundaryFile(path: string, objectName?: string): GeoJSON.FeatureCollection {
  let data: { type?: string; objects?: Record<string, unknown>; features?: unknown };
  try {
    data = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read ${path} as JSON: ${(error as Error).message}`);
  }
  if (data.type === 'Topology') {
    const topology = data as unknown as Topology;
    const names = Object.keys(topology.objects ?? {});
    const name = objectName ?? names[0];
    if (!name || !topology.objects[name])
      throw new Error(`${path} has no TopoJSON object "${objectName}"; it has: ${names.join(', ')}`);
    const converted = feature(topology, topology.objects[name]!);
    return converted.type === 'FeatureCollection'
      ? (converted as GeoJSON.FeatureCollection)
      : { type: 'FeatureCollection', features: [converted as GeoJSON.Feature] };
  }
  if (data.type === 'FeatureCollection' && Array.isArray(data.features)) return data as GeoJSON.FeatureCollection;
  if (data.type === 'Feature') return { type: 'FeatureCollection', features: [data as unknown as GeoJSON.Feature] };
  throw new Error(`${path} is neither a GeoJSON FeatureCollection nor a TopoJSON Topology`);
}

export function gridCommand(program: Command) {
  const grid = program.command('grid').description('The city grid: areas and unit grids');

  grid
    .command('import')
    .description('Import area boundaries from GeoJSON or TopoJSON; checks every feature first, all or nothing')
    .argument('<file>', 'a .geojson/.json FeatureCollection or a TopoJSON topology')
    .requiredOption('--level <level>', `the level of the areas: ${AREA_LEVELS.join(', ')}`)
    .option('--code-property <name>', 'the property holding the area code', 'adcode')
    .option('--name-property <name>', 'the property holding the area name', 'name')
    .option(
      '--crs <crs>',
      `the file's coordinate system: ${COORDINATE_SYSTEMS.join(', ')} (DataV files are gcj02)`,
      'wgs84',
    )
    .option('--parent <code>', 'the area these lie in (they must not stick out of it)')
    .option('--object <name>', 'TopoJSON: which object to read (default: the first)')
    .option('--as <username>', 'the administrator doing it', 'admin')
    .action(
      async (
        file: string,
        options: {
          level: string;
          codeProperty: string;
          nameProperty: string;
          crs: string;
          parent?: string;
          object?: string;
          as: string;
        },
      ) => {
        if (!AREA_LEVELS.includes(options.level as AreaLevel))
          throw new Error(`--level takes one of ${AREA_LEVELS.join(', ')}`);
        if (!COORDINATE_SYSTEMS.includes(options.crs as CoordinateSystem))
          throw new Error(`--crs takes one of ${COORDINATE_SYSTEMS.join(', ')}`);
        const collection = readBoundaryFile(file, options.object);
        const handle = await openConfiguredDatabase();
        try {
          const actor = await actorForUsername(handle.db, options.as);
          if (!actor) throw new Error(`There is no user "${options.as}"`);
          const report = await importAreas(handle.db, actor, collection, {
            level: options.level as AreaLevel,
            codeProperty: options.codeProperty,
            nameProperty: options.nameProperty,
            crs: options.crs as CoordinateSystem,
            parentCode: options.parent,
          });
          for (const warning of report.warnings) console.warn(`warning: ${describeProblem(warning)}`);
          console.log(`Imported ${report.imported} ${options.level} area(s) from ${file}.`);
        } catch (error) {
          if (error instanceof AppError && error.code === 'GRID_ERR_INVALID_BOUNDARIES') {
            console.error(`${file}: ${error.message}`);
            const problems = [...((error.details?.problems ?? []) as BoundaryProblem[])].sort(
              (a, b) => a.feature - b.feature,
            );
            for (const found of problems) {
              console.error(`  ${found.severity}: ${describeProblem(found)}`);
            }
            process.exitCode = 2;
            return;
          }
          throw error;
        } finally {
          await handle.close();
        }
      },
    );

  grid
    .command('generate')
    .description(
      'Generate unit grids over an area (square 万米单元网格, or H3 hexagons), clipped to it and numbered north→south, west→east; one set per community where the area has communities',
    )
    .requiredOption('--within <code>', 'the area to cover, e.g. 430102 (芙蓉区)')
    .option('--cell <size>', 'square cell size', '100m')
    .option('--h3 <resolution>', 'H3 hexagons of this resolution instead of squares (9 ≈ 0.1 km², 10 ≈ 0.015 km²)')
    .option('--replace', 'replace the area’s existing unit grids')
    .option('--as <username>', 'the administrator doing it', 'admin')
    .action(async (options: { within: string; cell: string; h3?: string; replace?: boolean; as: string }) => {
      const shape: CellShape =
        options.h3 === undefined
          ? { kind: 'square', meters: parseLength(options.cell) }
          : { kind: 'h3', resolution: parseResolution(options.h3) };
      const handle = await openConfiguredDatabase();
      const cutting = progressReporter(`Cutting cells over ${options.within}`);
      const saving = progressReporter('Saving cells');
      try {
        const actor = await actorForUsername(handle.db, options.as);
        if (!actor) throw new Error(`There is no user "${options.as}"`);
        const report = await generateGrid(handle.db, actor, {
          within: options.within,
          shape,
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
