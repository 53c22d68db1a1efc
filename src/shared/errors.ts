/**
 * The one error model. Services throw AppError for anything a caller did wrong
 * (operational: logged as a warning, answered with its status); any other
 * error is a bug (logged as an error, answered 500 without details).
 * The code is for programs; the message is for the person at the screen, in
 * Chinese (the console shows it as it comes), naming fields and actions by
 * their API names in brackets where a developer would look for them.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_TRANSITION'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TOO_MANY_REQUESTS'
  | 'NOT_READY'
  | 'INTERNAL';

const statusByCode: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  NOT_READY: 503,
  INTERNAL: 500,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly operational = code !== 'INTERNAL',
  ) {
    super(message);
    this.name = 'AppError';
    this.status = statusByCode[code];
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `未找到${what}`);
export const forbidden = (message = '你的角色无权执行此操作') => new AppError('FORBIDDEN', message);
export const conflict = (message: string, details?: unknown) => new AppError('CONFLICT', message, details);
/** A 429; the error handler sends Retry-After from details.retryAfterSeconds. */
export const tooManyRequests = (message: string, retryAfterMs: number) =>
  new AppError('TOO_MANY_REQUESTS', message, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
export const invalid = (message: string, details?: unknown) => new AppError('VALIDATION_FAILED', message, details);

/** Postgres error codes we turn into caller errors instead of 500s. */
export function fromDatabaseError(error: unknown): AppError | undefined {
  const code = (error as { code?: unknown })?.code;
  const detail = (error as { detail?: string })?.detail;
  if (code === '23505') return conflict('已存在', detail ? { detail } : undefined);
  if (code === '23503') return invalid('引用的数据不存在，或仍在使用中', detail ? { detail } : undefined);
  // Text PostgreSQL cannot store (NUL, invalid UTF-8): the edge should have refused it already.
  if (code === '22021' || code === '22P05') return invalid('文本含有无法保存的字符');
  if (code === '40001' || code === '40P01') return conflict('数据正被同时修改，请重试');
  return undefined;
}

/** The value, or a 404 naming what was looked for. */
export function found<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw notFound(what);
  return value;
}

/** A failed send. Permanent failures (an invalid number, a refused subscription) are not retried. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    /** No answer came (a timeout, a cut connection): the provider may have taken the message. */
    readonly outcomeUnknown = false,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
