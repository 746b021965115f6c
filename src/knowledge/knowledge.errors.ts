import { defineError } from '../lib/app-error.ts';

export const articleNotFound = defineError('KNOWLEDGE_ERR_NOT_FOUND', 404, (id: string) => ({
  message: `There is no knowledge-base article ${id}`,
  details: { articleId: id },
}));

/** An article named in a request body that does not exist: the request is wrong, not the URL. */
export const unknownArticle = defineError('KNOWLEDGE_ERR_UNKNOWN_ARTICLE', 400, (id: string) => ({
  message: `There is no knowledge-base article ${id} to answer from`,
  details: { articleId: id },
}));

export const staleArticle = defineError('KNOWLEDGE_ERR_STALE', 409, (id: string, seen: number, current: number) => ({
  message: `Article ${id} changed since you read it (version ${seen}, now ${current}); read it again before changing it`,
  details: { seenVersion: seen, currentVersion: current },
}));

export const badValidity = defineError('KNOWLEDGE_ERR_BAD_VALIDITY', 400, () => ({
  message: 'validFrom must be on or before validUntil',
}));

export const articleNotInForce = defineError(
  'KNOWLEDGE_ERR_NOT_IN_FORCE',
  409,
  (id: string, validFrom: string | null, validUntil: string | null) => ({
    message: `Article ${id} is not in force today (valid ${validFrom ?? '…'} – ${validUntil ?? '…'}); a case cannot be answered from it`,
    details: { validFrom, validUntil },
  }),
);

export const emptySearch = defineError('KNOWLEDGE_ERR_EMPTY_QUERY', 400, () => ({
  message: 'Say what to search for: q must contain at least one word',
}));
