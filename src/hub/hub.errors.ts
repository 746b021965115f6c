import { defineError } from '../lib/app-error.ts';

export const badFile = defineError('HUB_ERR_BAD_FILE', 400, (reason: string) => ({
  message: `The file cannot be imported: ${reason}`,
}));

export const unknownTemplate = defineError('HUB_ERR_UNKNOWN_SOURCE', 400, (key: string, known: string[]) => ({
  message: `There is no import source "${key}"; known sources: ${known.join(', ')}`,
  details: { known },
}));

export const datasetNotFound = defineError('HUB_ERR_DATASET_NOT_FOUND', 404, (slug: string) => ({
  message: `There is no dataset "${slug}"`,
}));

export const missingColumns = defineError('HUB_ERR_MISSING_COLUMNS', 400, (columns: string[]) => ({
  message: `The file lacks the columns the mapping needs: ${columns.join(', ')}`,
  details: { columns },
}));

export const importNotFound = defineError('HUB_ERR_IMPORT_NOT_FOUND', 404, (id: string) => ({
  message: `There is no import ${id}`,
}));
