import { defineError } from '../lib/app-error.ts';

export const notPublishable = defineError(
  'HUB_ERR_NOT_PUBLISHABLE',
  409,
  (slug: string, level: string, personal: string) => ({
    message: `The dataset "${slug}" is ${level} data${personal === 'none' ? '' : ` holding ${personal} information`}: only general data without personal information may be public (publish aggregates of it instead)`,
    details: { level, personal },
  }),
);
