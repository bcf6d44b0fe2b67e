// The web app's join/leave lines as pure logic: folding consecutive changes into one line,
// naming them, merging live and reloaded changes once each, and placing the lines among the
// messages (after the message of their afterSeq, before unsent ones, never as the unread marker).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActivityEntry } from '../src/protocol/http.js';
import { describeGroup, fullList, groupActivity, isAbridged, mergeActivity, nameList } from '../web/src/activity.js';
import { groupMessages, type ViewMessage } from '../web/src/format.js';
import { activityWindow } from '../web/src/room-activity.js';

const ts = (minute: number): string => new Date(Date.UTC(2026, 0, 5, 12, minute)).toISOString();
const change = (user: string, action: 'joined' | 'left', afterSeq: number, minute = afterSeq): ActivityEntry => ({ user, action, ts: ts(minute), afterSeq });
const message = (seq: number, from = 'alice'): ViewMessage => ({ key: `s${seq}`, seq, from, text: `m${seq}`, ts: ts(seq), status: 'stored', clientMsgId: `c${seq}` });

describe('web: join and leave lines', () => {
  it('names one, two, three users, and folds more into "others"', () => {
    assert.equal(nameList(['alice']), 'alice');
    assert.equal(nameList(['alice', 'bob']), 'alice and bob');
    assert.equal(nameList(['alice', 'bob', 'carol']), 'alice, bob and carol');
    assert.equal(nameList(['alice', 'bob', 'carol', 'dave', 'erin']), 'alice, bob and 3 others');
  });

  it('groups consecutive changes (no message between them) into one line', () => {
    const groups = groupActivity([
      ...['alice', 'bob', 'carol', 'dave', 'erin'].map((u, i) => change(u, 'joined', 4, i)),
      change('frank', 'joined', 4, 6),
      change('frank', 'left', 4, 7),
      change('gina', 'left', 5, 8),
    ]);
    assert.deepEqual(groups.map(describeGroup), ['alice, bob and 3 others joined; frank joined and left', 'gina left']);
    assert.deepEqual(groups.map((g) => g.afterSeq), [4, 5]);
    assert.equal(isAbridged(groups[0]!), true);
    assert.equal(isAbridged(groups[1]!), false);
    assert.equal(fullList(groups[0]!), 'alice joined, bob joined, carol joined, dave joined, erin joined, frank joined and left');
  });

  it('says "joined and left" and "left and rejoined" for one user, in any letter case', () => {
    assert.deepEqual(groupActivity([change('carol', 'joined', 1), change('Carol', 'left', 1)]).map(describeGroup), ['carol joined and left']);
    assert.deepEqual(groupActivity([change('dan', 'left', 2), change('dan', 'joined', 2)]).map(describeGroup), ['dan left and rejoined']);
    assert.deepEqual(groupActivity([change('dan', 'joined', 2), change('dan', 'left', 2), change('dan', 'joined', 2)]).map(describeGroup), ['dan joined']);
  });

  it('merges a change heard live and read again on reload once, in conversation order', () => {
    const live = [change('bob', 'joined', 3)];
    const reloaded = [change('alice', 'joined', 0), change('bob', 'joined', 3), change('bob', 'left', 7)];
    assert.deepEqual(mergeActivity(live, reloaded), reloaded);
    assert.equal(mergeActivity(reloaded, [change('bob', 'left', 7)]), reloaded, 'nothing new: the same list');
  });

  it('places each line after the message of its afterSeq, before unsent messages, not as the unread marker', () => {
    const pending: ViewMessage = { key: 'o1', seq: undefined, from: 'me', text: 'unsent', ts: ts(30), status: 'pending', clientMsgId: 'o1' };
    const lines = groupActivity([change('bob', 'joined', 0), change('carol', 'joined', 2), change('dave', 'left', 2), change('erin', 'joined', 3)]);
    const items = groupMessages([message(1), message(2), message(3), pending], 2, new Date(ts(40)), lines);
    const shape = items.map((item) =>
      item.kind === 'group' ? `msg:${item.messages.map((m) => m.seq ?? 'pending').join(',')}` : item.kind === 'activity' ? `line:${describeGroup(item.group)}` : item.kind,
    );
    assert.deepEqual(shape, ['day', 'line:bob joined', 'msg:1,2', 'line:carol joined; dave left', 'marker', 'msg:3', 'line:erin joined', 'msg:pending']);
    // Without activity the messages group as before: the lines are what split alice's run.
    assert.deepEqual(groupMessages([message(1), message(2), message(3)], undefined, new Date(ts(40))).map((i) => i.kind), ['day', 'group']);
  });

  it('shows lines of a room that has no messages yet', () => {
    const items = groupMessages([], undefined, new Date(ts(40)), groupActivity([change('alice', 'joined', 0)]));
    assert.deepEqual(items.map((i) => i.kind), ['day', 'activity']);
  });

  it('asks for the activity of the same window as the history page', () => {
    const page = [51, 52, 53].map((seq) => ({ room: 'r', seq, msgId: `m${seq}`, from: 'a', text: 't', ts: ts(1), clientMsgId: `c${seq}` }));
    assert.deepEqual(activityWindow(page, true, undefined), { after: 50 }, 'the newest page: from its first message on');
    assert.deepEqual(activityWindow(page, true, 54), { after: 50, before: 54 }, 'an older page: up to the page after it');
    assert.deepEqual(activityWindow(page, false, 54), { before: 54 }, 'the first page: from the beginning');
    assert.deepEqual(activityWindow([], false, undefined), {}, 'an empty room: all of it');
  });
});
