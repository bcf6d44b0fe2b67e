// The web app's presence words: a status and an availability make one state with a text, and
// an offline user's last-seen time reads as "Last seen 5 minutes ago".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lastSeenLabel, PRESENCE_LABELS, presenceState } from '../web/src/presence-state.js';

describe('web presence state', () => {
  it('combines status and availability; offline wins over any availability', () => {
    assert.equal(presenceState('online', undefined), 'online');
    assert.equal(presenceState('online', 'active'), 'online');
    assert.equal(presenceState('online', 'away'), 'away');
    assert.equal(presenceState('online', 'dnd'), 'dnd');
    assert.equal(presenceState('offline', 'dnd'), 'offline');
    assert.deepEqual(Object.values(PRESENCE_LABELS), ['Online', 'Away', 'Do not disturb', 'Offline']);
  });

  it('says how long ago an offline user was last seen', () => {
    const now = new Date('2026-12-02T12:00:00Z');
    const ago = (seconds: number): Date => new Date(now.getTime() - seconds * 1000);
    assert.equal(lastSeenLabel(ago(10), now), 'Last seen just now');
    assert.equal(lastSeenLabel(ago(-30), now), 'Last seen just now', 'a clock a little ahead');
    assert.equal(lastSeenLabel(ago(60), now), 'Last seen 1 minute ago');
    assert.equal(lastSeenLabel(ago(5 * 60 + 20), now), 'Last seen 5 minutes ago');
    assert.equal(lastSeenLabel(ago(3 * 3600), now), 'Last seen 3 hours ago');
    assert.equal(lastSeenLabel(ago(26 * 3600), now), 'Last seen yesterday');
    assert.equal(lastSeenLabel(ago(9 * 24 * 3600), now), 'Last seen last week');
    assert.equal(lastSeenLabel(ago(400 * 24 * 3600), now), 'Last seen last year');
  });
});
