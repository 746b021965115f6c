/** The messages a reporter receives, in both languages of the city; params fill the {placeholders}. */
export const TEMPLATES = {
  case_registered: {
    zh: '您反映的问题已受理，编号 {caseNumber}。',
    en: 'Your report has been registered as case {caseNumber}.',
  },
  case_dispatched: {
    zh: '您反映的问题 {caseNumber} 已派至 {bodyNameZh} 办理。',
    en: 'Case {caseNumber} has been sent to {bodyNameEn} to handle.',
  },
  case_handled: {
    zh: '您反映的问题 {caseNumber} 已办理，正在核查。',
    en: 'Case {caseNumber} has been handled and is being verified.',
  },
  case_closed: {
    zh: '您反映的问题 {caseNumber} 已办结。请评价：满意 / 基本满意 / 不满意，问题是否解决？',
    en: 'Case {caseNumber} is closed. Please tell us: satisfied, basically satisfied or dissatisfied, and was it solved?',
  },
  case_answered: {
    zh: '您反映的问题 {caseNumber} 已直接答复：{note} 请评价：满意 / 基本满意 / 不满意，问题是否解决？',
    en: 'Case {caseNumber} has been answered: {note} Please tell us: satisfied, basically satisfied or dissatisfied, and was it solved?',
  },
  case_reopened: {
    zh: '您反映的问题 {caseNumber} 已重新办理。',
    en: 'Case {caseNumber} has been reopened.',
  },
  case_cancelled: {
    zh: '您反映的问题 {caseNumber} 未予受理：{note}',
    en: 'Case {caseNumber} was not taken up: {note}',
  },
  case_merged: {
    zh: '您反映的问题已并入 {parentCaseNumber} 一并办理，办理进展将同步告知您。',
    en: 'Your report was joined to case {parentCaseNumber}; you will hear about its progress.',
  },
  followed_case_steps: {
    zh: '您关注的问题 {caseNumber} 有新进展：{stepsZh}。',
    en: 'Case {caseNumber} you follow: {stepsEn}.',
  },
  followed_area_digest: {
    zh: '您关注的 {areaZh} 有 {count} 条新的公开动态：{caseNumbers}。',
    en: '{count} new public updates in {areaEn}, which you follow: {caseNumbers}.',
  },
  sign_in_code: {
    zh: '【12345】您的登录验证码为 {code}，{minutes} 分钟内有效。请勿告诉他人。',
    en: '12345: your sign-in code is {code}, valid for {minutes} minutes. Do not share it.',
  },
} as const;

export type TemplateName = keyof typeof TEMPLATES;

export function renderTemplate(name: TemplateName, params: Record<string, string>, language: 'zh' | 'en'): string {
  return TEMPLATES[name][language].replace(/\{(\w+)\}/g, (_, key: string) => params[key] ?? '');
}
