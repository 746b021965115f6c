/**
 * The auditor's page says what each entry's action means, in both languages (web/src/i18n.ts): for every
 * route's action (a change through the API is recorded under it) and every action a domain writes itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { POLICIES } from '../../src/policy/policy.ts';
import { DATA_REQUEST_KINDS } from '../../src/privacy/index.ts';
import { AUDIT_ACTIONS, translator } from '../../web/src/i18n.ts';

/** Prefixes of the actions domains write themselves (not route actions). */
const DOMAIN_ACTION = /'((?:auth|personal_data|retention|audit)\.[a-z_]+)'/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return file.endsWith('.ts') && !file.endsWith('.test.ts') ? [file] : [];
  });
}

it('should have words in both languages for every audit action the code writes', () => {
  const written = new Set<string>(Object.keys(POLICIES));
  for (const file of sourceFiles('src')) {
    for (const match of fs.readFileSync(file, 'utf8').matchAll(DOMAIN_ACTION)) written.add(match[1]!);
  }
  // Written from a template (privacy/data-rights.ts): data_request.<kind> and data_request.<decision>.
  for (const kind of DATA_REQUEST_KINDS) written.add(`data_request.${kind}`);
  for (const decision of ['complete', 'refuse']) written.add(`data_request.${decision}`);
  expect(written.has('auth.sign_in')).toBe(true);

  const missing = [...written].filter((action) => !AUDIT_ACTIONS.includes(action));
  expect(missing).toEqual([]);
  for (const language of ['zh-CN', 'en'] as const) {
    const { auditAction } = translator(language);
    const untranslated = AUDIT_ACTIONS.filter((action) => auditAction(action) === action);
    expect(untranslated, language).toEqual([]);
  }
  // The two languages name the same actions.
  const zh = translator('zh-CN');
  const en = translator('en');
  expect(AUDIT_ACTIONS.filter((action) => zh.auditAction(action) === en.auditAction(action))).toEqual([]);
});
