// MySQL's lock races, provoked for real on the server: a deadlock between two transactions is
// recognised, and `retryingLockConflicts` runs the victim again so both complete.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { createTestMysqlDatabase, type TestMysqlDatabase } from '../../test/support/mysql.js';
import { createMysqlDatabase } from './mysql-dialect.js';
import { isLockConflict, retryingLockConflicts } from './mysql-errors.js';

const database = await createTestMysqlDatabase();

describe('MySQL lock conflicts', { skip: database === undefined ? 'MySQL unreachable' : false }, () => {
  let db: Kysely<unknown>;
  before(async () => {
    db = createMysqlDatabase((database as TestMysqlDatabase).url) as unknown as Kysely<unknown>;
    await sql`create table counters (id integer primary key, n integer not null) engine = InnoDB`.execute(db);
  });
  after(async () => {
    await db?.destroy();
    await database?.drop();
  });

  /**
   * Two transactions that lock rows 1 and 2 in opposite orders, each waiting on its first
   * attempt until the other holds its first row: InnoDB must pick one as a deadlock victim.
   */
  function crossLocking(run: (work: () => Promise<void>) => Promise<void>): { done: Promise<PromiseSettledResult<void>[]>; attempts: () => number } {
    let attempts = 0;
    let holding = 0;
    const bothHolding = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (holding >= 2) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    const transaction = (first: number, second: number) => async (): Promise<void> => {
      const attempt = ++attempts;
      await db.transaction().execute(async (trx) => {
        await sql`update counters set n = n + 1 where id = ${first}`.execute(trx);
        if (attempt <= 2) {
          holding++;
          await bothHolding;
        }
        await sql`update counters set n = n + 1 where id = ${second}`.execute(trx);
      });
    };
    const done = Promise.allSettled([run(transaction(1, 2)), run(transaction(2, 1))]);
    return { done, attempts: () => attempts };
  }

  async function reset(): Promise<void> {
    await sql`delete from counters`.execute(db);
    await sql`insert into counters (id, n) values (1, 0), (2, 0)`.execute(db);
  }

  it('sees a deadlock as a lock conflict', async () => {
    await reset();
    const { done } = crossLocking((work) => work());
    const results = await done;
    const rejected = results.filter((result) => result.status === 'rejected');
    assert.equal(rejected.length, 1, 'InnoDB rolled back one of the two');
    assert.ok(isLockConflict((rejected[0] as PromiseRejectedResult).reason));
  });

  it('runs the deadlock’s victim again, so both transactions complete', async () => {
    await reset();
    const { done, attempts } = crossLocking((work) => retryingLockConflicts(work));
    const results = await done;
    assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'fulfilled']);
    assert.equal(attempts(), 3, 'one transaction ran twice');
    const rows = (await sql<{ id: number; n: number }>`select id, n from counters order by id`.execute(db)).rows;
    assert.deepEqual(rows.map((row) => [row.id, row.n]), [[1, 2], [2, 2]]);
  });
});
