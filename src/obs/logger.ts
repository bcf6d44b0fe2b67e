/**
 * The process's pino logger. Credentials never reach the output: known fields are redacted and
 * request URLs lose their `token` query values (the WebSocket accepts `/ws?token=…`).
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config/config.js';

/** Paths pino replaces with `[redacted]` wherever they appear in a log record. */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.headers.authorization',
  'authorization',
  '*.authorization',
  'password',
  '*.password',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'jwtSecret',
  '*.jwtSecret',
];

const TOKEN_QUERY = /([?&](?:token|access_token|accessToken|refreshToken)=)[^&#]*/gi;

/** A URL with the values of token-bearing query parameters replaced. */
export function scrubUrl(url: string): string {
  return url.replace(TOKEN_QUERY, '$1[redacted]');
}

/** The request fields a log line needs (Fastify requests and raw `IncomingMessage`s both fit). */
interface LoggableRequest {
  readonly method?: string;
  readonly url?: string;
  readonly ip?: string;
  readonly host?: string;
  readonly socket?: { readonly remoteAddress?: string; readonly remotePort?: number } | null;
}

/** Like Fastify's own `req` serializer, but with the URL scrubbed and no headers at all. */
function serializeRequest(req: LoggableRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: req.url === undefined ? undefined : scrubUrl(req.url),
    host: req.host,
    remoteAddress: req.ip ?? req.socket?.remoteAddress,
    remotePort: req.socket?.remotePort,
  };
}

/**
 * A pino logger at `config.logLevel`, writing JSON lines to `destination` (stdout by default;
 * tests pass a stream to capture output). Hand it to Fastify as `loggerInstance`.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    serializers: { req: serializeRequest, err: pino.stdSerializers.err },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** The logger type `createLogger` returns. */
export type { Logger as PinoLogger };
