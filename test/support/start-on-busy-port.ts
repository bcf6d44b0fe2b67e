/**
 * Run as a child process by the lifecycle test: takes a port, starts hubbub on it, and prints
 * how `startServer` failed. It opens nothing else, so it exits by itself once the failed start
 * has closed what it opened (the store's writer thread, the HTTP server); a leak keeps it alive.
 * Arguments: the data folder.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/load-config.js';
import { startServer } from '../../src/server.js';
import { TEST_JWT_SECRET } from './server.js';

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: start-on-busy-port.ts <data dir>');

const squatter = createServer();
await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', () => resolve()));
const { port } = squatter.address() as { port: number };
const config = loadConfig(
  { NODE_ENV: 'test', PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: join(dataDir, 'hubbub.db'), JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent' },
  { envFile: false },
);
try {
  await startServer(config, { logger: pino({ level: 'silent' }) });
  console.log(JSON.stringify({ started: true }));
} catch (error) {
  console.log(JSON.stringify({ rejected: (error as NodeJS.ErrnoException).code ?? String(error) }));
}
squatter.close();
// Says what is still open if the process does not end by itself (the test then kills it).
setTimeout(() => console.log(JSON.stringify({ stillOpen: process.getActiveResourcesInfo() })), 2000).unref();
