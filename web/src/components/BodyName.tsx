import { useI18n } from '../i18n.ts';
import { useReference } from '../reference-data.ts';

/** A handling body's name in the console's language, looked up by id. */
export function BodyName({ id }: { id: string | null | undefined }) {
  const { name } = useI18n();
  const { bodyById } = useReference();
  const body = id ? bodyById.get(id) : undefined;
  return <>{body ? name(body) : (id ?? '—')}</>;
}

/** Several bodies, comma-separated; a dash when there are none. */
export function BodyNames({ ids }: { ids: readonly string[] }) {
  const { name, language } = useI18n();
  const { bodyById } = useReference();
  if (ids.length === 0) return <>—</>;
  const separator = language === 'zh-CN' ? '、' : ', ';
  return <>{ids.map((id) => (bodyById.get(id) ? name(bodyById.get(id)!) : id)).join(separator)}</>;
}
