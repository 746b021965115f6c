import { defineError } from '../lib/app-error.ts';

export const gridAdminOnly = defineError('GRID_ERR_FORBIDDEN', 403, (what: string) => ({
  message: `Only an administrator may ${what}`,
}));

export const unknownArea = defineError('GRID_ERR_UNKNOWN_AREA', 404, (code: string) => ({
  message: `There is no area with code "${code}"`,
  details: { code },
}));

export const cellsExist = defineError('GRID_ERR_CELLS_EXIST', 409, (code: string, count: number) => ({
  message: `Area ${code} already has ${count} unit grid cells; replace them explicitly to generate anew`,
  details: { code, count },
}));

export const cellsAssigned = defineError('GRID_ERR_CELLS_ASSIGNED', 409, (code: string, cells: string[]) => ({
  message: `Grid workers or responsible bodies are assigned to ${cells.length} unit grid(s) of ${code}; move them to areas that stay (or remove them) before replacing the grids`,
  details: { code, cells },
}));

export const cannotHoldCells = defineError('GRID_ERR_BAD_PARENT', 400, (code: string, reason: string) => ({
  message: `Cannot generate unit grids in area ${code}: ${reason}`,
  details: { code },
}));

export const pointOutsideTheWorld = defineError(
  'GRID_ERR_BAD_POINT',
  400,
  (field: string, crs: string, converted: [number, number]) => ({
    message: `${field} lies outside the world once converted from ${crs} to WGS-84 (${converted.join(', ')})`,
    details: { field, crs, converted },
  }),
);
