import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDatabaseUrl } from './database-url.js';

describe('parseDatabaseUrl', () => {
  it('reads plain paths as SQLite files', () => {
    assert.deepEqual(parseDatabaseUrl('./data/hubbub.db'), { dialect: 'sqlite', filename: './data/hubbub.db' });
    assert.deepEqual(parseDatabaseUrl('/var/lib/hubbub.db'), { dialect: 'sqlite', filename: '/var/lib/hubbub.db' });
    assert.deepEqual(parseDatabaseUrl(':memory:'), { dialect: 'sqlite', filename: ':memory:' });
    assert.deepEqual(parseDatabaseUrl('C:\\data\\hubbub.db'), { dialect: 'sqlite', filename: 'C:\\data\\hubbub.db' });
  });

  it('reads sqlite: URLs', () => {
    assert.deepEqual(parseDatabaseUrl('sqlite:./data/x.db'), { dialect: 'sqlite', filename: './data/x.db' });
    assert.deepEqual(parseDatabaseUrl('sqlite::memory:'), { dialect: 'sqlite', filename: ':memory:' });
    assert.deepEqual(parseDatabaseUrl('sqlite:///abs/path.db'), { dialect: 'sqlite', filename: '/abs/path.db' });
    assert.deepEqual(parseDatabaseUrl('sqlite://data/x.db'), { dialect: 'sqlite', filename: 'data/x.db' });
    assert.deepEqual(parseDatabaseUrl('SQLite:x.db'), { dialect: 'sqlite', filename: 'x.db' });
  });

  it('passes postgres:// and postgresql:// URLs through whole', () => {
    const url = 'postgres://app:secret@db:5432/hubbub?options=-c%20search_path%3Dchat';
    assert.deepEqual(parseDatabaseUrl(url), { dialect: 'postgres', connectionString: url });
    assert.deepEqual(parseDatabaseUrl('postgresql://db/hubbub'), { dialect: 'postgres', connectionString: 'postgresql://db/hubbub' });
  });

  it('passes mysql:// and mariadb:// URLs through whole', () => {
    const url = 'mysql://app:secret@db:3306/hubbub';
    assert.deepEqual(parseDatabaseUrl(url), { dialect: 'mysql', connectionString: url });
    assert.deepEqual(parseDatabaseUrl('mariadb://db/hubbub'), { dialect: 'mysql', connectionString: 'mariadb://db/hubbub' });
    assert.throws(() => parseDatabaseUrl('mysql:db'), /mysql:\/\//);
  });

  it('rejects empty and unsupported URLs without echoing credentials', () => {
    assert.throws(() => parseDatabaseUrl(''), /empty/);
    assert.throws(() => parseDatabaseUrl('sqlite:'), /names no file/);
    assert.throws(() => parseDatabaseUrl('postgres:db'), /postgres:\/\//);
    assert.throws(
      () => parseDatabaseUrl('oracle://root:hunter2@db/hubbub'),
      (error: Error) => /unsupported database URL scheme "oracle:"/.test(error.message) && !error.message.includes('hunter2'),
    );
  });
});
