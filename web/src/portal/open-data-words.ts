/**
 * The portal's open-data page's words, zh-CN and English side by side (as messages.ts): plain words for
 * residents, no statistics vocabulary beyond the one symbol the downloads carry (ε).
 */
import { useOwnWords } from '../i18n.ts';

const zh = {
  title: '开放数据',
  lead: '城市管理案件的统计数据，任何人都可以下载、使用。这里只有汇总的数字，没有任何人的个人信息。',
  howTitle: '我们如何保护个人隐私',
  suppression:
    '小数字不公开：某个区域、某个月、某一类问题只有很少几件（少于发布时注明的阈值，通常是 5 件）时，这个数字显示为空。否则，在一条小街上只有一两件的问题，可能让人猜出是谁反映的。为了不能用合计减出被隐藏的数字，一些别的格子也会一起隐藏。',
  noise:
    '加入随机误差（ε）：有些发布在每个数字上加了少量随机误差，使任何一个人的反映都不会明显改变结果；总体趋势仍然可靠。ε 越小，误差越大，隐私保护越强。每个数据集能发布的次数有总的上限，用完就不再发布。',
  releasesTitle: '统计发布',
  noReleases: '暂时还没有发布。',
  period: '时间：{from} 至 {to}',
  byArea: '按{level}统计',
  district: '区（县）',
  street: '街道',
  grid: '单元网格',
  suppressed: '{n} 个数字因太小未公开',
  suppressionOnly: '未加随机误差',
  withNoise: '加了随机误差，ε = {epsilon}',
  publishedAt: '发布于 {date}',
  datasetsTitle: '公开数据集',
  datasetsLead: '数据目录中公开的数据集（也可通过 CKAN 接口 /api/3/action 获取）。',
  noDatasets: '暂无公开数据集。',
  publisher: '提供单位：{name}',
  licence: '许可：{licence}',
  resources: '资源',
  loading: '加载中…',
};

type Key = keyof typeof zh;

const en: Record<Key, string> = {
  title: 'Open data',
  lead: 'Figures about the city’s cases that anyone may download and use. Only totals are published: nothing about any person.',
  howTitle: 'How people’s privacy is protected',
  suppression:
    'Small numbers are left out: when an area, a month and a kind of problem have only a few cases (fewer than the threshold each release states, usually 5), that number is left blank. Otherwise one or two cases on a small street could point to who reported them. So that a blank cannot be worked out by subtracting from a total, some other numbers are left blank as well.',
  noise:
    'Random noise (ε): some releases add a little random error to every number, so that no single person’s report visibly changes the result; the overall picture stays reliable. The smaller ε, the larger the error and the stronger the protection. Each dataset has a fixed total of how much may be released; once it is used up, nothing more is published from it.',
  releasesTitle: 'Statistical releases',
  noReleases: 'Nothing has been published yet.',
  period: '{from} to {to}',
  byArea: 'By {level}',
  district: 'district',
  street: 'street',
  grid: 'unit grid cell',
  suppressed: '{n} numbers left out as too small',
  suppressionOnly: 'No noise added',
  withNoise: 'Noise added, ε = {epsilon}',
  publishedAt: 'Published {date}',
  datasetsTitle: 'Public datasets',
  datasetsLead: 'The data catalogue’s public datasets (also through the CKAN API at /api/3/action).',
  noDatasets: 'No public datasets yet.',
  publisher: 'Published by {name}',
  licence: 'Licence: {licence}',
  resources: 'Resources',
  loading: 'Loading…',
};

export const useOpenDataWords = () => useOwnWords({ 'zh-CN': zh, en });
