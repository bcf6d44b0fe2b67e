/** Request ids: the caller's `X-Request-Id` when it is sane, else a fresh UUID. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header a reverse proxy or client may set, and that responses echo. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Short, plain ids only: anything else could forge or flood log lines. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify's `genReqId`: every log line of the request carries the result as `reqId`. */
export function genReqId(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && SANE_ID.test(incoming) ? incoming : randomUUID();
}
