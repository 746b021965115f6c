import escapeHtml from 'escape-html';
import { Feed } from 'feed';
import { PUBLIC_STEP_WORDS, recentPublicSteps } from '../cases/index.ts';
import type { Db } from '../db/database.ts';

const FEED_ITEMS = 50;

export interface FeedRequest {
  format: 'atom' | 'rss';
  category?: string;
  area?: string;
  lang: 'zh-CN' | 'en';
  /** Where the portal is, as the reader reached this server (feeds need absolute links). */
  origin: string;
}

/**
 * The latest public steps of the published cases of an area or a category, as an Atom or RSS feed, the way
 * FixMyStreet offers an RSS feed per area: a resident follows a street without an account.
 *
 * Readers render an item's title and summary as HTML, so every text is HTML-escaped first: a case titled
 * `<script>` must reach the reader as those characters, never as markup (the `feed` library only wraps the
 * text in CDATA, which a reader then parses as HTML).
 */
export async function caseFeed(db: Db, request: FeedRequest): Promise<{ contentType: string; body: string }> {
  const steps = await recentPublicSteps(db, { category: request.category, area: request.area, limit: FEED_ITEMS });
  const zh = request.lang === 'zh-CN';
  const scope = [
    request.area && `${zh ? '区域' : 'area'} ${request.area}`,
    request.category && `${zh ? '类别' : 'category'} ${request.category}`,
  ]
    .filter(Boolean)
    .join(' · ');
  const title = `${zh ? 'CivicGrid 公开案件动态' : 'CivicGrid public case updates'}${scope ? ` (${scope})` : ''}`;
  const query = new URLSearchParams({
    ...(request.category ? { category: request.category } : {}),
    ...(request.area ? { area: request.area } : {}),
  }).toString();
  const portal = `${request.origin}/portal/${query ? `?${query}` : ''}`;
  const feed = new Feed({
    title: escapeHtml(title),
    id: `${request.origin}/api/v1/public/feeds/cases.atom${query ? `?${query}` : ''}`,
    link: portal,
    language: request.lang,
    copyright: zh ? '公开数据，经本人同意发布' : 'Published with the reporters’ consent',
    updated: steps[0]?.at ?? new Date(0),
  });
  for (const step of steps) {
    const words = PUBLIC_STEP_WORDS[step.action as keyof typeof PUBLIC_STEP_WORDS];
    const category = zh ? step.category.nameZh : step.category.nameEn;
    const link = `${request.origin}/portal/cases/${step.caseNumber}`;
    feed.addItem({
      title: escapeHtml(`${step.caseNumber} ${zh ? words.zh : words.en}: ${step.title}`),
      id: `${link}#${step.seq}`,
      link,
      description: escapeHtml(`${category}. ${step.reply ?? ''}`.trim()),
      date: step.at,
    });
  }
  return request.format === 'atom'
    ? { contentType: 'application/atom+xml; charset=utf-8', body: feed.atom1() }
    : { contentType: 'application/rss+xml; charset=utf-8', body: feed.rss2() };
}
