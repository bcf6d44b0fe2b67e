/** Reading a `.env` file with Node's own parser (`util.parseEnv`, Node 20.12+). */
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/**
 * The variables a `.env` file defines. A missing file is not an error when `required` is
 * false (the default `.env` is optional); any other read failure is.
 */
export function readEnvFile(path: string, required: boolean): Record<string, string> {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const parsed = parseEnv(content);
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== undefined) result[key] = value;
  }
  return result;
}
