// The notifier's rules, without a browser: what chimes, what shows a desktop notification, and
// what stays silent (the live-only rule is the store's, checked in browser-notifications).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_NOTIFICATION_BODY, Notifier, SOUND_INTERVAL_MS, notificationBody, type Attention, type DesktopNotice, type NotifierOptions } from '../web/src/notifications/notifier.js';

const DM = 'dm:alice:bob';
const OTHER_DM = 'dm:bob:carol';

function setup(overrides: Partial<NotifierOptions> = {}) {
  let now = 1_000_000;
  const state = {
    attention: { openRoom: 'general', visible: true, focused: true } as Attention,
    muted: new Set<string>(),
    sound: true,
    desktop: true,
    quiet: false,
  };
  const sounds: number[] = [];
  const notices: DesktopNotice[] = [];
  const notifier = new Notifier({
    me: 'bob',
    isDirect: (room) => room.startsWith('dm:'),
    isMuted: (room) => state.muted.has(room),
    attention: () => state.attention,
    soundOn: () => state.sound,
    desktopOn: () => state.desktop,
    playSound: () => sounds.push(now),
    showNotification: (notice) => notices.push(notice),
    quiet: () => state.quiet,
    now: () => now,
    ...overrides,
  });
  return {
    state,
    sounds,
    notices,
    notifier,
    advance(ms: number) {
      now += ms;
    },
  };
}

const fromAlice = (text = 'hi bob', room = DM) => ({ room, from: 'alice', text });

describe('Notifier', () => {
  test('a DM from someone else while another room is open chimes; no desktop notice while the tab has focus', () => {
    const t = setup();
    assert.deepEqual(t.notifier.handle(fromAlice()), { sound: true, notification: false });
    assert.equal(t.sounds.length, 1);
    assert.equal(t.notices.length, 0);
  });

  test('never for my own messages (any letter case), nor for rooms (mentions come later)', () => {
    const t = setup();
    t.notifier.handle({ room: DM, from: 'Bob', text: 'mine' });
    t.notifier.handle({ room: 'general', from: 'alice', text: 'in a room' });
    assert.equal(t.sounds.length, 0);
    assert.equal(t.notices.length, 0);
  });

  test('the conversation on screen in a visible tab: no chime', () => {
    const t = setup();
    t.state.attention = { openRoom: DM, visible: true, focused: true };
    assert.deepEqual(t.notifier.handle(fromAlice()), { sound: false, notification: false });
    // On screen but the window is not focused: a notification, still no chime.
    t.state.attention = { openRoom: DM, visible: true, focused: false };
    assert.deepEqual(t.notifier.handle(fromAlice()), { sound: false, notification: true });
    // The same conversation open in a hidden tab is not on screen.
    t.state.attention = { openRoom: DM, visible: false, focused: false };
    assert.deepEqual(t.notifier.handle(fromAlice()), { sound: true, notification: true });
  });

  test('at most one chime per 2 s however many arrive; notifications carry the room as tag', () => {
    const t = setup();
    t.state.attention = { openRoom: 'general', visible: false, focused: false };
    for (let i = 0; i < 5; i++) {
      t.notifier.handle(fromAlice(`burst ${i}`, i % 2 === 0 ? DM : OTHER_DM));
      t.advance(300);
    }
    assert.equal(t.sounds.length, 1);
    assert.deepEqual(
      t.notices.map((n) => [n.title, n.body, n.tag]),
      [0, 1, 2, 3, 4].map((i) => ['alice', `burst ${i}`, i % 2 === 0 ? DM : OTHER_DM]),
    );
    t.advance(SOUND_INTERVAL_MS);
    t.notifier.handle(fromAlice('later'));
    assert.equal(t.sounds.length, 2);
  });

  test('muted rooms, the sound setting, the desktop setting and quiet (do-not-disturb) each silence their part', () => {
    const t = setup();
    t.state.attention = { openRoom: undefined, visible: false, focused: false };
    t.state.muted.add(DM);
    assert.deepEqual(t.notifier.handle(fromAlice()), { sound: false, notification: false });
    assert.deepEqual(t.notifier.handle(fromAlice('x', OTHER_DM)), { sound: true, notification: true });
    t.advance(SOUND_INTERVAL_MS);
    t.state.sound = false;
    assert.deepEqual(t.notifier.handle(fromAlice('x', OTHER_DM)), { sound: false, notification: true });
    t.state.sound = true;
    t.state.desktop = false;
    assert.deepEqual(t.notifier.handle(fromAlice('x', OTHER_DM)), { sound: true, notification: false });
    t.advance(SOUND_INTERVAL_MS);
    t.state.desktop = true;
    t.state.quiet = true;
    assert.deepEqual(t.notifier.handle(fromAlice('x', OTHER_DM)), { sound: false, notification: false });
  });

  test('without a quiet option it is never quiet', () => {
    const t = setup({ quiet: undefined });
    assert.equal(t.notifier.handle(fromAlice()).sound, true);
  });
});

describe('notificationBody', () => {
  test('plain text: whitespace runs become one space', () => {
    assert.equal(notificationBody('  hello\n\n  <b>world</b>\t!  '), 'hello <b>world</b> !');
  });

  test(`cut at ${MAX_NOTIFICATION_BODY} characters with an ellipsis, never inside a surrogate pair`, () => {
    const long = notificationBody('word '.repeat(100));
    assert.ok(long.length <= MAX_NOTIFICATION_BODY);
    assert.ok(long.endsWith('…'));
    const emoji = notificationBody('😀'.repeat(200));
    assert.equal(Array.from(emoji).length, MAX_NOTIFICATION_BODY);
    assert.ok(!/[\ud800-\udbff]…$/.test(emoji));
  });
});
