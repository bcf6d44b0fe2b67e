/**
 * How failures become responses: `{"error": {"code", "message"}}` with the contract's status.
 * Client mistakes keep their message; anything unexpected is logged with its stack and answered
 * with a bare 500 `internal`, so no internals leak.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isHubError } from '../core/errors.js';
import { httpStatusOf, type ErrorCode } from '../protocol/codes.js';
import { RateLimitedError } from './rate-limiter.js';
import { validationMessage } from './validation-message.js';

/** The contract's error body. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

interface ClassifiedError {
  readonly status: number;
  readonly code: ErrorCode;
  readonly message: string;
}

/** Contract codes for the statuses Fastify's own errors carry. */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'rate_limited',
  503: 'unavailable',
};

/** Sends the contract's error body with the status of `code`. */
export function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  const body: ErrorBody = { error: { code, message } };
  return reply.code(httpStatusOf(code)).send(body);
}

function classify(error: FastifyError, bodyLimit: number): ClassifiedError | undefined {
  if (isHubError(error)) return { status: httpStatusOf(error.code), code: error.code, message: error.message };
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'payload_too_large', message: `request body is larger than ${bodyLimit} bytes` };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'invalid_request', message: 'request body is not valid JSON' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 400, code: 'invalid_request', message: 'unsupported Content-Type; send application/json' };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own 4xx errors (bad content length, prototype poisoning, …) have safe messages.
    const code = CODE_BY_STATUS[status] ?? 'invalid_request';
    return { status: httpStatusOf(code), code, message: error.message };
  }
  return undefined;
}

/** Installs the error and not-found handlers on `app` (and so on every plugin it registers). */
export function registerErrorHandlers(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const invalid = validationMessage(error, request);
    const known: ClassifiedError | undefined =
      invalid === undefined ? classify(error, bodyLimit) : { status: 400, code: 'invalid_request', message: invalid };
    if (known === undefined || known.status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return sendError(reply, known?.code ?? 'internal', known?.message ?? 'internal server error');
    }
    request.log.info({ code: known.code, reason: known.message }, 'request refused');
    if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
    return sendError(reply, known.code, known.message);
  });
  app.setNotFoundHandler((request, reply) => {
    // The path only: a query string may carry a token.
    const path = request.url.split('?')[0] ?? '';
    return sendError(reply, 'not_found', `no route for ${request.method} ${path}`);
  });
}
