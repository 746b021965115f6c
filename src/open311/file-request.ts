import { type CaseDeps, reportCase } from '../cases/index.ts';
import { AppError } from '../lib/app-error.ts';
import { type Actor, type AttributeProblem, checkAttributeAnswers } from '../organizations/index.ts';
import { badRequest } from './service-requests.ts';
import { serviceAttributes } from './services.ts';

/**
 * POST requests: the form fields of the specification this server reads, and the answers to the service's
 * attributes as `attribute[code]` (a multivaluelist's as `attribute[code][]`, repeated).
 */
export interface RequestForm {
  service_code: string;
  lat?: string;
  long?: string;
  address_string?: string;
  description?: string;
  media_url?: string;
  email?: string;
  phone?: string;
  first_name?: string;
  last_name?: string;
  [field: string]: string | string[] | undefined;
}

/** `attribute[code]` or `attribute[code][]`: the code. */
const ATTRIBUTE_FIELD = /^attribute\[([^\]]{1,100})\](\[\])?$/;

/** The answers a form gives, by attribute code (a field sent twice, or with `[]`, is a list). */
export function attributeAnswers(form: Record<string, string | string[] | undefined>): Record<string, string[]> {
  const answers: Record<string, string[]> = {};
  for (const [field, value] of Object.entries(form)) {
    const code = ATTRIBUTE_FIELD.exec(field)?.[1];
    if (code === undefined || value === undefined) continue;
    answers[code] = [...(answers[code] ?? []), ...[value].flat()];
  }
  return answers;
}

/** A title is the description's first line, this long at most (Open311 requests have no title). */
const TITLE_CHARACTERS = 40;

/**
 * Files a service request from a partner application as a case on the `open311` channel. The contact
 * fields go to the sealed personal-data store as the reporter, who consented to publication through the
 * application (its reports are public there). A `media_url` is kept as a link in the description and never
 * fetched: photos come through the media upload, which checks them.
 */
export async function fileServiceRequest(deps: CaseDeps, client: Actor, form: RequestForm): Promise<string> {
  const hasPoint = form.lat !== undefined || form.long !== undefined;
  if (hasPoint && (form.lat === undefined || form.long === undefined)) throw badRequest('lat and long go together');
  const address = form.address_string?.trim();
  if (!hasPoint && !address) throw badRequest('lat and long, or address_string, are required');
  // What the service asks is checked here, at the boundary that offers the questions: a desk taking a call
  // asks them in its own words, and the cases the desk files are not refused for a missing answer.
  const { answers, problems } = checkAttributeAnswers(
    await serviceAttributes(deps.db, form.service_code),
    attributeAnswers(form),
  );
  if (problems.length) throw attributeProblems(problems);
  const text = form.description?.trim() ?? '';
  const firstLine = text.split(/\r?\n/, 1)[0]?.trim() ?? '';
  const title = firstLine
    ? firstLine.length > TITLE_CHARACTERS
      ? `${firstLine.slice(0, TITLE_CHARACTERS - 1)}…`
      : firstLine
    : `Open311 ${form.service_code}`;
  const media = form.media_url ? `\n\n照片链接（由提交的应用提供，未取回）：${form.media_url}` : '';
  const name = [form.first_name, form.last_name].filter((part) => part?.trim()).join(' ');
  return reportCase(deps, client, {
    title,
    description: `${text || title}${media}`,
    categoryCode: form.service_code,
    ...(hasPoint ? { location: { longitude: Number(form.long), latitude: Number(form.lat) } } : {}),
    ...(address ? { address } : {}),
    channel: 'open311',
    reporter: {
      name: name || null,
      phone: form.phone ?? null,
      email: form.email ?? null,
      idNumber: null,
      address: null,
    },
    reporterConsents: { publish: true },
    attributes: answers,
  });
}

export function invalidApiKey(): AppError {
  return new AppError('OPEN311_ERR_API_KEY', 403, 'api_key is missing, unknown, revoked or expired');
}

/** Every attribute refused, one error each in the specification's list (the first also as the message). */
export function attributeProblems(problems: readonly AttributeProblem[]): AppError {
  return new AppError('OPEN311_ERR_ATTRIBUTES', 400, problems[0]!.description, {
    descriptions: problems.map((problem) => problem.description),
  });
}
