import { type Kysely, sql } from 'kysely';

// Frozen in time: this migration uses Kysely<any> and plain SQL, never the application's types.

/**
 * The knowledge base (知识库): answers to the questions a hotline hears again and again (policy, procedures,
 * contacts), owned by a handling body, valid for a time and reviewed on a date, and versioned: every change
 * is a new row of knowledge_article_versions, and the article row carries the current version's text.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table knowledge_articles (
      id uuid primary key default gen_random_uuid(),
      version integer not null check (version >= 1),
      title text not null,
      body text not null,
      category text not null,
      owner_body_id uuid not null references handling_bodies (id),
      -- Searchable by residents without signing in (the public portal); staff see every article.
      public boolean not null default false,
      valid_from date,
      valid_until date,
      review_due date not null,
      -- Where the answer comes from (a policy document, the replies it was written from).
      sources text[] not null default '{}',
      created_by_user_id uuid not null references users (id),
      updated_by_user_id uuid not null references users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (valid_until is null or valid_from is null or valid_from <= valid_until)
    )`.execute(db);
  // Review reminders: an owner body's articles past their review date.
  await sql`create index knowledge_articles_review_idx on knowledge_articles (owner_body_id, review_due)`.execute(db);

  await sql`
    create table knowledge_article_versions (
      id uuid primary key default gen_random_uuid(),
      article_id uuid not null references knowledge_articles (id) on delete cascade,
      version integer not null,
      title text not null,
      body text not null,
      category text not null,
      owner_body_id uuid not null references handling_bodies (id),
      public boolean not null,
      valid_from date,
      valid_until date,
      review_due date not null,
      sources text[] not null default '{}',
      change_note text,
      changed_by_user_id uuid not null references users (id),
      created_at timestamptz not null default now(),
      unique (article_id, version)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table knowledge_article_versions`.execute(db);
  await sql`drop table knowledge_articles`.execute(db);
}
