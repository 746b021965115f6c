import GLPK, { type LP } from 'glpk.js/node';
import { flatIndex, unflatIndex } from '../src/opendata/suppression.ts';

/**
 * The attacker's view of a published table, solved by linear programming (GLPK): for each suppressed
 * cell, the least and the most it can be given every published cell and margin, the suppressed interior
 * cells being unknowns ≥ 0 (reals, or integers with `integer: true`). Written from the table's equations
 * alone, independently of how suppression.ts chose the pattern. GLPK (glpk.js) is GPL-3.0: it is a
 * development dependency for these tests only and never part of the server.
 */
export interface PublishedTable {
  extendedShape: readonly number[];
  values: readonly number[];
  suppressed: readonly boolean[];
}

export interface CellInterval {
  cell: number;
  value: number;
  min: number;
  /** Infinity when nothing published bounds it. */
  max: number;
}

/** Larger than any test table's total: an unknown reaching it is unbounded. */
const BIG = 1e7;

const glpk = await GLPK();

export function auditTable(table: PublishedTable, { integer = false } = {}): CellInterval[] {
  const shape = table.extendedShape;
  const interior = (indices: number[]) => indices.every((index, k) => index < shape[k]! - 1);
  const name = (cell: number) => `x${cell}`;
  // The interior cells a cell of the extended table stands for (itself, or those its margin adds up).
  const covered = (cell: number): number[] => {
    const at = unflatIndex(shape, cell);
    let cells: number[][] = [[]];
    for (let k = 0; k < shape.length; k++) {
      const choices = at[k] === shape[k]! - 1 ? [...Array(shape[k]! - 1).keys()] : [at[k]!];
      cells = cells.flatMap((prefix) => choices.map((c) => [...prefix, c]));
    }
    return cells.map((indices) => flatIndex(shape, indices));
  };
  const linear = (cell: number) => {
    let constant = 0;
    const vars: { name: string; coef: number }[] = [];
    for (const c of covered(cell)) {
      if (table.suppressed[c]) vars.push({ name: name(c), coef: 1 });
      else constant += table.values[c]!;
    }
    return { constant, vars };
  };
  const unknowns = table.values
    .map((_, cell) => cell)
    .filter((cell) => table.suppressed[cell] && interior(unflatIndex(shape, cell)));
  const subjectTo: LP['subjectTo'] = [];
  for (let cell = 0; cell < table.values.length; cell++) {
    if (table.suppressed[cell] || interior(unflatIndex(shape, cell))) continue;
    const { constant, vars } = linear(cell);
    if (vars.length === 0) continue;
    const rhs = table.values[cell]! - constant;
    subjectTo.push({ name: `m${cell}`, vars, bnds: { type: glpk.GLP_FX, lb: rhs, ub: rhs } });
  }
  const bounds = unknowns.map((cell) => ({ name: name(cell), type: glpk.GLP_DB, lb: 0, ub: BIG }));
  const solve = (cell: number, direction: number) => {
    const { constant, vars } = linear(cell);
    const result = glpk.solve(
      {
        name: 'audit',
        objective: { direction, name: 'z', vars },
        subjectTo,
        bounds,
        ...(integer ? { generals: unknowns.map(name) } : {}),
      },
      { msglev: glpk.GLP_MSG_OFF },
    );
    if (result.result.status !== glpk.GLP_OPT)
      throw new Error(`The audit LP ended with status ${result.result.status}`);
    return constant + result.result.z;
  };
  return table.values
    .map((value, cell) => ({ value, cell }))
    .filter(({ cell }) => table.suppressed[cell])
    .map(({ value, cell }) => {
      const max = solve(cell, glpk.GLP_MAX);
      return { cell, value, min: solve(cell, glpk.GLP_MIN), max: max >= BIG / 2 ? Infinity : max };
    });
}

/** Suppressed cells a reader can pin to an interval narrower than `margin` (none, for a safe table). */
export function exposedCells(table: PublishedTable, margin: number, options: { integer?: boolean } = {}) {
  return auditTable(table, options).filter(({ min, max }) => !(max - min >= margin - 1e-9));
}
