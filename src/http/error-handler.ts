import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, fromDatabaseError } from '../shared/errors';
import type { Logger } from '../shared/logger';

/** Normalises anything thrown into the one error model. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const bodyParserType = (error as { type?: string })?.type;
  if (bodyParserType === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', '请求体过大');
  if (bodyParserType === 'entity.parse.failed') return new AppError('VALIDATION_FAILED', '请求体不是有效的 JSON');
  if (bodyParserType === 'charset.unsupported' || bodyParserType === 'encoding.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', '不支持的请求体编码');
  }
  // Anything else the body parser refuses (a body that does not inflate as its Content-Encoding
  // says, a cut-off stream) is the caller's fault: a 4xx, never a stack trace in the log.
  const status = (error as { status?: unknown })?.status;
  // A file the console's static files do not have.
  if (status === 404) return new AppError('NOT_FOUND', '未找到');
  if (typeof status === 'number' && status >= 400 && status < 500 && (error as { expose?: unknown }).expose === true) {
    return new AppError('VALIDATION_FAILED', '无法读取请求体（请检查 Content-Encoding 和 Content-Length）');
  }
  return fromDatabaseError(error) ?? new AppError('INTERNAL', '系统内部错误', undefined, false);
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const appError = toAppError(error);
    const context = {
      reqId: req.requestId,
      method: req.method,
      url: req.originalUrl,
      userId: req.actor?.kind === 'user' ? req.actor.userId : undefined,
    };
    if (appError.operational)
      logger.warn({ ...context, code: appError.code, status: appError.status, reason: appError.message }, 'request refused');
    else logger.error({ ...context, err: error }, 'request failed');
    if (res.headersSent) return;
    const retryAfter = (appError.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    res.status(appError.status).json({
      error: { code: appError.code, message: appError.message, ...(appError.details === undefined ? {} : { details: appError.details }) },
    });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `没有这个接口：${req.method} ${req.path}`));
};
