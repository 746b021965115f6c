import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/database.ts';
import type { Actor } from '../organizations/index.ts';
import { localToday } from './answers.ts';
import { createArticle } from './knowledge.ts';

/** An article of the fixture, written from the government replies it names (see fixtures/README.md). */
export interface FixtureArticle {
  key: string;
  /** The demo city's handling body that owns the answer (src/demo/demo-city.ts codes). */
  ownerBodyCode: string;
  category: string;
  title: string;
  body: string;
  /** 留言编号 of the messages in messages_with_replies.csv whose replies the article draws on. */
  sourceMessageIds: string[];
}

/** A real citizen question, matched by hand to the fixture article that answers it. */
export interface LabelledQuestion {
  messageId: string;
  /** The TipDM Cup file it comes from (never messages_with_replies.csv). */
  file: string;
  title: string;
  text: string;
  articleKey: string;
}

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const read = <T>(name: string): T => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as T;

export const fixtureArticles = (): FixtureArticle[] => read('articles.json');
export const labelledQuestions = (): LabelledQuestion[] => read('questions.json');

/**
 * Loads the first `count` fixture articles as public answers owned by the bodies the fixture names (a
 * demo city's bodies, by code). Every seventh is already due for review, so the reminders have something
 * to show.
 */
export async function loadFixtureArticles(
  db: Db,
  actor: Actor,
  bodyIdsByCode: ReadonlyMap<string, string>,
  options: { now: Date; timeZone: string; count: number },
): Promise<number> {
  const articles = fixtureArticles().slice(0, options.count);
  const dayOffset = (days: number) => localToday(new Date(options.now.getTime() + days * 86_400_000), options.timeZone);
  for (const [i, a] of articles.entries()) {
    const ownerBodyId = bodyIdsByCode.get(a.ownerBodyCode);
    if (!ownerBodyId) throw new Error(`The fixture article ${a.key} names an unknown body ${a.ownerBodyCode}`);
    await createArticle(
      db,
      actor,
      {
        title: a.title,
        body: a.body,
        category: a.category,
        ownerBodyId,
        public: true,
        reviewDue: dayOffset(i % 7 === 6 ? -10 : 180),
        sources: a.sourceMessageIds.map((id) => `TipDM 2020 messages_with_replies.csv 留言编号 ${id}`),
      },
      options.now,
    );
  }
  return articles.length;
}
