/** `hubbub migrate`: bring the database schema up to date, report what was applied. */
import type { Config } from '../config/config.js';
import { openStore } from '../store/open-store.js';

export async function runMigrate(config: Config): Promise<number> {
  const store = await openStore(config.databaseUrl, { migrate: false });
  try {
    const { applied } = await store.migrate();
    process.stdout.write(applied.length === 0 ? 'database is up to date\n' : `applied: ${applied.join(', ')}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`hubbub migrate: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await store.close();
  }
}
