// Both back ends return the same JavaScript types: bigint counts as numbers (they never exceed 2^53 here)
// and DATE columns as 'YYYY-MM-DD' strings, so no code needs to know which database it runs on.
export const INT8 = 20;
export const DATE = 1082;
export const NUMERIC = 1700;

/** PGlite's parsers for those types (the PostgreSQL pool gets the same from database.ts). */
export const PGLITE_PARSERS = {
  [INT8]: (value: string) => Number(value),
  [NUMERIC]: (value: string) => Number(value),
  [DATE]: (value: string) => value,
};
