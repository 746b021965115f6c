import { defineError } from '../lib/app-error.ts';

export const unknownDataset = defineError('OPENDATA_ERR_UNKNOWN_DATASET', 404, (dataset: string) => ({
  message: `There is no privacy budget for the dataset ${dataset}`,
  details: { dataset },
}));

export const budgetExceeded = defineError(
  'OPENDATA_ERR_BUDGET_EXCEEDED',
  409,
  (dataset: string, epsilon: number, remaining: number) => ({
    message: `A release spending ε = ${epsilon} would exceed the privacy budget of ${dataset}: ${remaining} remains`,
    details: { dataset, epsilon, remainingEpsilon: remaining },
  }),
);

export const budgetBelowSpent = defineError(
  'OPENDATA_ERR_BUDGET_BELOW_SPENT',
  409,
  (dataset: string, spent: number) => ({
    message: `The budget of ${dataset} cannot be set below the ε its releases have spent (${spent})`,
    details: { dataset, spentEpsilon: spent },
  }),
);

export const releaseNotFound = defineError('OPENDATA_ERR_RELEASE_NOT_FOUND', 404, (id: string) => ({
  message: `There is no published release ${id}`,
}));

export const badPeriod = defineError('OPENDATA_ERR_PERIOD', 400, (from: string, to: string) => ({
  message: `The period ${from} to ${to} is not one of at most 36 months, the first not after the last`,
  details: { from, to },
}));

export const noAreas = defineError('OPENDATA_ERR_NO_AREAS', 400, (level: string) => ({
  message: `The city has no areas of the level ${level} to count cases by`,
  details: { level },
}));

export const tableTooLarge = defineError('OPENDATA_ERR_TABLE_TOO_LARGE', 400, (cells: number, limit: number) => ({
  message: `The table would have ${cells} cells, more than ${limit}: choose a shorter period or coarser areas`,
  details: { cells, limit },
}));
