/** `hubbub serve`: run until SIGTERM/SIGINT, then stop gracefully within the shutdown timeout. */
import type { Config } from '../config/config.js';
import { startServer } from '../server.js';

export async function runServe(config: Config): Promise<void> {
  const server = await startServer(config);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, 'signal received');
    const timer = setTimeout(() => {
      server.logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
