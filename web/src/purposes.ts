import { useEffect, useState } from 'preact/hooks';
import { api, type UnmaskPurpose } from './api.ts';
import type { Translator } from './i18n.ts';

/** The purposes for seeing personal data in clear (public, fixed while the server runs): asked for once. */
let purposes: Promise<UnmaskPurpose[]> | null = null;

export function usePurposes(): UnmaskPurpose[] {
  const [list, setList] = useState<UnmaskPurpose[]>([]);
  useEffect(() => {
    purposes ??= api<UnmaskPurpose[]>('/privacy/purposes').catch((e) => {
      purposes = null;
      throw e;
    });
    purposes.then(setList).catch(() => setList([]));
  }, []);
  return list;
}

/** A purpose in words, in the console's language (the code itself while the list is loading). */
export function purposeLabel(i18n: Translator, list: UnmaskPurpose[], purpose: string | null): string {
  if (!purpose) return '—';
  const found = list.find((p) => p.purpose === purpose);
  return found ? (i18n.language === 'zh-CN' ? found.zh : found.en) : purpose;
}
