import { normaliseText } from './normalise.ts';

/** Kinds of danger a dispatcher must see first. */
export const DANGERS = [
  'gas_leak',
  'fire',
  'collapse',
  'injury',
  'live_wire',
  'flooding',
  'vulnerable_people',
  'violence',
] as const;
export type Danger = (typeof DANGERS)[number];

export interface UrgencyFlag {
  danger: Danger;
  /** The words that matched, as written in the (normalised) text, and where. */
  evidence: string;
  start: number;
  end: number;
}

export interface Urgency {
  /** `urgent` when a danger is described as happening now, `high` for a risk, `normal` otherwise. */
  priority: 'normal' | 'high' | 'urgent';
  flags: UrgencyFlag[];
}

// Lexicons written for 12345 messages (Chinese first, then English for 311-style text). Each danger has
// words for the danger happening now (urgent) and for a risk of it (high). Kept as data, not a model:
// a dispatcher must be able to read why a message was raised, and a missed gas leak costs more than a
// false alarm, so the lists lean towards recall.
const LEXICON: Record<Danger, { now: string[]; risk: string[] }> = {
  gas_leak: {
    now: [
      '燃气泄漏',
      '煤气泄漏',
      '天然气泄漏',
      '漏气',
      '闻到煤气',
      '闻到燃气',
      '煤气味',
      '燃气味',
      'gas leak',
      'smell of gas',
    ],
    risk: ['燃气管道破损', '燃气管破', '液化气罐', '煤气罐'],
  },
  fire: {
    now: ['着火', '起火', '失火', '火灾', '冒烟', '浓烟', '燃烧', 'on fire', 'smoke'],
    risk: [
      '火灾隐患',
      '消防隐患',
      '消防通道堵塞',
      '堵塞消防通道',
      '占用消防通道',
      '飞线充电',
      '电动车充电',
      'fire hazard',
    ],
  },
  collapse: {
    now: ['倒塌', '坍塌', '塌陷', '垮塌', '掉落', '砸伤', 'collapsed', 'collapse'],
    risk: ['危房', '随时可能倒塌', '摇摇欲坠', '裂缝', '开裂', '脱落', '地陷', '空鼓', 'sinkhole', 'structural'],
  },
  injury: {
    now: [
      '受伤',
      '摔伤',
      '流血',
      '骨折',
      '死亡',
      '身亡',
      '昏迷',
      '伤亡',
      '出人命',
      'injured',
      'bleeding',
      'unconscious',
    ],
    risk: ['安全隐患', '危及生命', '生命安全', '人身安全', '险些', '差点被', 'unsafe'],
  },
  live_wire: {
    now: ['电线掉落', '电线裸露', '漏电', '触电', '电线断', '高压线断', 'downed wire', 'live wire', 'sparking'],
    risk: ['电线老化', '私拉电线', '乱拉电线', '电箱破损', '配电箱', '变压器'],
  },
  flooding: {
    now: ['淹水', '被淹', '水淹', '内涝', '积水严重', '漫进', '倒灌', '爆管', '水管爆裂', 'flooding', 'flooded'],
    risk: ['积水', '排水不畅', '下水道堵塞', '渗水', '漏水'],
  },
  vulnerable_people: {
    now: [
      '儿童走失',
      '孩子走失',
      '老人走失',
      '独居老人',
      '孤寡老人',
      '虐待',
      '留守儿童',
      'missing child',
      'elderly alone',
    ],
    risk: ['小学生', '幼儿园', '学生上学', '孩子', '儿童', '老人', '残疾人', 'children', 'elderly'],
  },
  violence: {
    now: ['打人', '斗殴', '持刀', '威胁', '恐吓', '暴力', '砸车', 'assault', 'threat'],
    risk: ['黑恶', '涉黑', '寻衅滋事'],
  },
};

// A risk word near a vulnerable group ("小学生…安全隐患") is as urgent as a danger happening now.
const VULNERABLE_RISK_WINDOW = 30;
// "没有漏气" / "不存在安全隐患": a negation just before the words cancels them.
const NEGATION = /(没有|没|无|不存在|未发现|未见|排除|no |not )$/;

/** Flags the dangers a message describes, with the words that show each, and the priority they call for. */
export function assessUrgency(text: string): Urgency {
  const normalised = normaliseText(text);
  const flags: (UrgencyFlag & { now: boolean })[] = [];
  for (const danger of DANGERS) {
    for (const [now, words] of [
      [true, LEXICON[danger].now],
      [false, LEXICON[danger].risk],
    ] as const) {
      for (const word of words) {
        let at = normalised.indexOf(word);
        while (at >= 0) {
          if (!NEGATION.test(normalised.slice(Math.max(0, at - 4), at))) {
            flags.push({ danger, evidence: word, start: at, end: at + word.length, now });
          }
          at = normalised.indexOf(word, at + word.length);
        }
      }
    }
  }
  const kept = withoutOverlaps(flags);
  const vulnerable = kept.filter((f) => f.danger === 'vulnerable_people');
  const riskNearVulnerable = kept.some(
    (f) =>
      f.danger !== 'vulnerable_people' && vulnerable.some((v) => Math.abs(v.start - f.start) <= VULNERABLE_RISK_WINDOW),
  );
  // A vulnerable group alone ("幼儿园门口…") is not a danger; only with another danger near it or "now".
  const dangers = kept.filter((f) => f.danger !== 'vulnerable_people' || f.now || riskNearVulnerable);
  const priority =
    dangers.some((f) => f.now && f.danger !== 'vulnerable_people') || riskNearVulnerable
      ? 'urgent'
      : dangers.some((f) => f.danger !== 'vulnerable_people' || f.now)
        ? 'high'
        : 'normal';
  return { priority, flags: dangers.map(({ now: _now, ...flag }) => flag) };
}

/** Longest match wins where two words overlap ("燃气泄漏" over "泄漏"-like shorter words). */
function withoutOverlaps<T extends { start: number; end: number }>(flags: T[]): T[] {
  const sorted = [...flags].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: T[] = [];
  for (const f of sorted) {
    const last = kept[kept.length - 1];
    if (last && f.start < last.end) continue;
    kept.push(f);
  }
  return kept;
}
