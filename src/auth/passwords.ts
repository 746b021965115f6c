import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id (the library's default algorithm) with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane):
 * tens of milliseconds a guess, nothing for a person signing in and a great deal for someone trying a
 * list of passwords.
 */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 200;

/** Passwords people pick first; refused whatever their length. */
const COMMON = new Set([
  'password123',
  'password1234',
  '1234567890',
  'qwertyuiop',
  '12345678910',
  'iloveyou123',
  'admin12345',
  'abc1234567',
  'a123456789',
  '1q2w3e4r5t',
  'woaini1314',
  'zhang123456',
]);

/** What is wrong with a new password, as sentences for the person choosing it (empty when it is fine). */
export function passwordProblems(password: string, username: string): string[] {
  const problems: string[] = [];
  if (password.length < MIN_PASSWORD_LENGTH) problems.push(`use at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) problems.push(`use at most ${MAX_PASSWORD_LENGTH} characters`);
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) problems.push('mix at least three of: lower-case letters, capitals, digits, other characters');
  if (username && password.toLowerCase().includes(username.toLowerCase()))
    problems.push('do not include your user name');
  if (COMMON.has(password.toLowerCase())) problems.push('this password is among the most common ones');
  return problems;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

/** A hash to check against when the user does not exist, so the answer takes as long either way. */
let decoy: Promise<string> | undefined;

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    decoy ??= hashPassword('decoy password that matches nothing');
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
