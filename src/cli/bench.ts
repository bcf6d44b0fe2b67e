/**
 * `hubbub bench`: runs the load tool (`bench/`) from a development checkout. The tool starts
 * comparison servers from development dependencies (Socket.IO) and runs TypeScript through
 * tsx, so it is not part of a production install; this command says so instead of failing
 * obscurely.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function runBench(args: readonly string[]): Promise<number> {
  // From src/cli (tsx) or dist/cli (built) the checkout's root is two folders up.
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const entry = `${root}bench/main.ts`;
  if (!existsSync(entry) || !existsSync(`${root}node_modules/tsx`)) {
    process.stderr.write('hubbub bench: the load tool needs a development checkout with its dev dependencies (npm install)\n');
    return 1;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: root, stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}
