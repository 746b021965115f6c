import { Type } from 'typebox';
import { DateTime, Nullable, Uuid } from '../lib/http-schemas.ts';

const LocalDate = Type.String({ format: 'date', description: 'YYYY-MM-DD, city time' });

export const ArticleParams = Type.Object({ id: Uuid });

export const ArticleBody = Type.Object(
  {
    title: Type.String({ minLength: 2, maxLength: 200, description: 'The question the article answers' }),
    body: Type.String({ minLength: 2, maxLength: 20_000, description: 'The answer, as the desk reads it out' }),
    category: Type.String({ minLength: 1, maxLength: 50, description: 'A topic, e.g. 户籍管理 / 住房保障' }),
    ownerBodyId: { ...Uuid, description: 'The handling body that owns and reviews the answer' },
    public: Type.Boolean({ description: 'Residents may search and read it without signing in' }),
    validFrom: Type.Optional(Nullable(LocalDate)),
    validUntil: Type.Optional(Nullable(LocalDate)),
    reviewDue: { ...LocalDate, description: 'When the owner body reviews it next' },
    sources: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 300 }), {
        maxItems: 50,
        description: 'Where the answer comes from (documents, the replies it was written from)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const RevisionBody = Type.Object(
  {
    ...ArticleBody.properties,
    version: Type.Integer({ minimum: 1, description: 'The version you read (409 KNOWLEDGE_ERR_STALE if it changed)' }),
    changeNote: Type.Optional(Type.String({ maxLength: 500, description: 'What changed and why' })),
  },
  { additionalProperties: false },
);

/** What an article and each of its versions hold alike. */
const ArticleContent = {
  version: Type.Integer(),
  title: Type.String(),
  body: Type.String(),
  category: Type.String(),
  ownerBodyId: Uuid,
  public: Type.Boolean(),
  validFrom: Nullable(Type.String()),
  validUntil: Nullable(Type.String()),
  reviewDue: Type.String(),
  sources: Type.Array(Type.String()),
};

export const ArticleResponse = Type.Object({
  id: Uuid,
  ...ArticleContent,
  updatedAt: DateTime,
});

/** What residents see: the answer, whose it is and until when; not the editors' bookkeeping. */
export const PublicArticleResponse = Type.Object({
  id: Uuid,
  version: Type.Integer(),
  title: Type.String(),
  body: Type.String(),
  category: Type.String(),
  ownerBodyId: Uuid,
  validFrom: Nullable(Type.String()),
  validUntil: Nullable(Type.String()),
  updatedAt: DateTime,
});

export const ArticleVersionResponse = Type.Object({
  ...ArticleContent,
  changeNote: Nullable(Type.String()),
  changedByUserId: Uuid,
  createdAt: DateTime,
});

export const ArticleListQuery = Type.Object(
  {
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    ownerBodyId: Type.Optional(Uuid),
    reviewDue: Type.Optional(
      Type.Boolean({ description: 'Only articles whose review date has come (review reminders for the owner body)' }),
    ),
  },
  { additionalProperties: false },
);

export const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 2000, description: 'The question, in Chinese or English' }),
    top: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 5 })),
  },
  { additionalProperties: false },
);

export const ProposalsQuery = Type.Object(
  { top: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 3 })) },
  { additionalProperties: false },
);

export const ProposalResponse = Type.Object({ article: ArticleResponse, score: Type.Number() });
export const PublicProposalResponse = Type.Object({ article: PublicArticleResponse, score: Type.Number() });

export const AnswerBody = Type.Object(
  {
    articleId: Uuid,
    reply: Type.String({
      minLength: 2,
      maxLength: 2000,
      description: 'What the reporter is told (usually the article, fitted to their question)',
    }),
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: "The case's version you saw; 409 CASE_ERR_STALE if it changed since" }),
    ),
  },
  { additionalProperties: false },
);
