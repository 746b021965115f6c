/**
 * The one error type domains throw. Each error has a stable machine-readable code (catalogued in the
 * domain's `*.errors.ts`), an HTTP status the root error handler maps it to, a human message and optional
 * structured details the client can act on (e.g. the allowed next actions on a 409).
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Declares an error factory once, so a code is always paired with the same status. */
export function defineError<Args extends unknown[]>(
  code: string,
  statusCode: number,
  build: (...args: Args) => { message: string; details?: Record<string, unknown> },
): (...args: Args) => AppError {
  return (...args: Args) => {
    const { message, details } = build(...args);
    return new AppError(code, statusCode, message, details);
  };
}
