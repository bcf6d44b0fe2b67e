// The quick switcher's list on its own (web/src/quick-switch-rank.ts): how a label matches a
// query (prefix, word start, substring, case-insensitively), the ranking that follows, the
// empty-query list (recent first, the room on screen left out) and who counts as a person.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverPeopleSearch } from '../web/src/people.js';
import { MAX_RESULTS, MatchTier, matchTier, normalizeQuery, rankCandidates, switchList, type SwitchCandidate, type SwitchSource } from '../web/src/quick-switch-rank.js';

const labels = (list: readonly { label: string }[]): string[] => list.map((c) => c.label);
const room = (name: string, unread = 0): SwitchCandidate => ({ id: name, label: name, kind: 'room', target: name, unread });
const dm = (me: string, partner: string): SwitchCandidate => ({ id: `dm:${[me, partner].sort().join(':')}`, label: partner, kind: 'dm', target: `dm:${[me, partner].sort().join(':')}`, unread: 0, presence: 'offline' });

describe('matchTier', () => {
  it('tells a prefix from a word start from a substring, and no match', () => {
    assert.equal(matchTier('design', 'des'), MatchTier.prefix);
    assert.equal(matchTier('web-design', 'des'), MatchTier.wordStart);
    assert.equal(matchTier('design_review', 'rev'), MatchTier.wordStart);
    assert.equal(matchTier('jane.doe', 'doe'), MatchTier.wordStart);
    assert.equal(matchTier('JaneDoe', 'doe'), MatchTier.wordStart, 'a lower-to-upper change starts a word');
    assert.equal(matchTier('redesign', 'des'), MatchTier.substring);
    assert.equal(matchTier('random', 'des'), undefined);
  });

  it('ignores case, and takes the best of several occurrences', () => {
    assert.equal(matchTier('General', 'gen'), MatchTier.prefix);
    assert.equal(matchTier('GENERAL', 'gen'), MatchTier.prefix);
    assert.equal(matchTier('codesign-design', 'design'), MatchTier.wordStart, 'the second occurrence starts a word');
  });

  it('normalises the query: trimmed, lower-cased, a leading # or @ dropped', () => {
    assert.equal(normalizeQuery('  #General '), 'general');
    assert.equal(normalizeQuery('@Bob'), 'bob');
    assert.equal(normalizeQuery('a#b'), 'a#b');
  });
});

describe('rankCandidates', () => {
  it('puts prefix matches before word-start matches before substring matches', () => {
    const rooms = ['redesign', 'random', 'web-design', 'design', 'design-review', 'ux_designers'].map((name) => room(name));
    assert.deepEqual(labels(rankCandidates(rooms, 'des')), ['design', 'design-review', 'web-design', 'ux_designers', 'redesign']);
  });

  it('keeps the given order within a tier, whatever the case of query and label', () => {
    const rooms = ['Gamma-team', 'gamma', 'GAMMA-ray'].map((name) => room(name));
    assert.deepEqual(labels(rankCandidates(rooms, 'GAM')), ['Gamma-team', 'gamma', 'GAMMA-ray']);
  });

  it('lists everything for an empty query and stops at the limit', () => {
    const many = Array.from({ length: MAX_RESULTS + 10 }, (_, i) => room(`room-${i}`));
    assert.equal(rankCandidates(many, '').length, MAX_RESULTS);
    assert.equal(rankCandidates(many, 'room', 5).length, 5);
  });
});

describe('switchList', () => {
  const source = (over: Partial<SwitchSource> = {}): SwitchSource => ({
    conversations: [room('alpha'), room('beta', 2), room('gamma'), dm('me', 'bob'), dm('me', 'carol')],
    people: [
      { name: 'bob', presence: 'online' },
      { name: 'Dave', presence: 'offline' },
      { name: 'me', presence: 'online' },
      { name: 'dave', presence: 'online' },
      { name: 'alphonse', presence: 'online' },
    ],
    recent: ['gamma', 'dm:bob:me', 'gone-room'],
    active: undefined,
    me: 'me',
    ...over,
  });

  it('empty query: recently opened first (most recent first), then the rest in sidebar order, no people', () => {
    assert.deepEqual(
      switchList(source(), '').map((c) => c.id),
      ['gamma', 'dm:bob:me', 'alpha', 'beta', 'dm:carol:me'],
    );
  });

  it('empty query: the room on screen is left out, unread counts kept', () => {
    const list = switchList(source({ active: 'gamma' }), '  ');
    assert.deepEqual(
      list.map((c) => c.id),
      ['dm:bob:me', 'alpha', 'beta', 'dm:carol:me'],
    );
    assert.equal(list.find((c) => c.id === 'beta')?.unread, 2);
  });

  it('typed: rooms, conversations and people ranked together; each person once, not me, not a DM partner', () => {
    const list = switchList(source(), 'al');
    assert.deepEqual(
      list.map((c) => [c.kind, c.label]),
      [
        ['room', 'alpha'],
        ['person', 'alphonse'],
      ],
    );
    assert.deepEqual(
      switchList(source(), 'b').map((c) => [c.kind, c.label]),
      [
        ['room', 'beta'],
        ['dm', 'bob'],
      ],
      'bob is listed once, as the conversation',
    );
    const dave = switchList(source(), 'dav');
    assert.deepEqual(
      dave.map((c) => [c.kind, c.label, c.target]),
      [['person', 'Dave', 'Dave']],
    );
    assert.deepEqual(switchList(source(), 'me'), [], 'not myself');
  });

  it('typed: the room on screen can be found too, and no match gives nothing', () => {
    assert.deepEqual(
      switchList(source({ active: 'gamma' }), 'gam').map((c) => c.id),
      ['gamma'],
    );
    assert.deepEqual(switchList(source(), 'zzz'), []);
  });
});

describe('serverPeopleSearch', () => {
  it('asks once for the last query typed, without @, and gives the earlier callers no names', async () => {
    const asked: string[] = [];
    const search = serverPeopleSearch(async (prefix) => {
      asked.push(prefix);
      return [{ username: `${prefix}-one` }, { username: `${prefix}-two` }];
    }, 10);
    const first = search('@al');
    const second = search('ali');
    assert.deepEqual(await first, []);
    assert.deepEqual(await second, ['ali-one', 'ali-two']);
    assert.deepEqual(asked, ['ali']);
    assert.deepEqual(await search(''), []);
    assert.deepEqual(await search('#general'), []);
    assert.deepEqual(asked, ['ali']);
  });

  it('gives no names when the server fails', async () => {
    const search = serverPeopleSearch(() => Promise.reject(new Error('down')), 1);
    assert.deepEqual(await search('bob'), []);
  });
});
