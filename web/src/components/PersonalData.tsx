import type { Identity } from '../api.ts';
import { type MessageKey, useI18n } from '../i18n.ts';

/** The fields of a person's identity, in the order the console shows them. */
export const IDENTITY_FIELDS: Array<{ field: keyof Identity; label: MessageKey }> = [
  { field: 'name', label: 'fieldName' },
  { field: 'phone', label: 'fieldPhone' },
  { field: 'idNumber', label: 'fieldIdNumber' },
  { field: 'address', label: 'fieldAddress' },
  { field: 'email', label: 'fieldEmail' },
];

/** A field name of an access record or a request (an identity field, or the personal data in a text), in words. */
export function useFieldLabel() {
  const { t } = useI18n();
  return (field: string) => {
    const known = IDENTITY_FIELDS.find((f) => f.field === field);
    if (known) return t(known.label);
    if (field === 'textItems') return t('fieldTextItems');
    // A hotline look-up by the caller's number (cases/desk.ts callerHistory) released their earlier cases.
    return field === 'caseHistory' ? t('fieldCaseHistory') : field;
  };
}

/** The changes a correction request asks for, "field → new value". */
export function Changes({ changes }: { changes: Partial<Identity> | null }) {
  const fieldLabel = useFieldLabel();
  const entries = Object.entries(changes ?? {}).filter(([, value]) => value);
  if (entries.length === 0) return <span>—</span>;
  return (
    <ul class="changes">
      {entries.map(([field, value]) => (
        <li key={field}>
          {fieldLabel(field)} → {value}
        </li>
      ))}
    </ul>
  );
}
