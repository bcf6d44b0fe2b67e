// The web app's keyboard logic on its own: which keys are shortcuts (web/src/keymap.ts), which
// room Alt+↑/↓ open (web/src/room-cycle.ts), and the people the quick switcher knows
// (web/src/people.ts). The browser test (test/browser-keyboard.test.ts) drives them for real.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SHORTCUT_GROUPS, isApplePlatform, keyLabel, matchShortcut, type KeyInput } from '../web/src/keymap.js';
import { knownPeople, knownPeopleSearch, type PeopleSource } from '../web/src/people.js';
import { adjacentRoom } from '../web/src/room-cycle.js';

const key = (over: Partial<KeyInput>): KeyInput => ({ key: '', code: '', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, isComposing: false, ...over });
const pc = { mac: false, inTextField: false };
const mac = { mac: true, inTextField: false };
const field = { mac: false, inTextField: true };

describe('matchShortcut', () => {
  it('Ctrl+K elsewhere, ⌘K on Apple platforms, in text fields too', () => {
    assert.deepEqual(matchShortcut(key({ key: 'k', code: 'KeyK', ctrlKey: true }), pc), { type: 'quick-switch' });
    assert.deepEqual(matchShortcut(key({ key: 'k', code: 'KeyK', ctrlKey: true }), field), { type: 'quick-switch' });
    assert.deepEqual(matchShortcut(key({ key: 'K', code: 'KeyK', ctrlKey: true }), pc), { type: 'quick-switch' }, 'Caps Lock');
    assert.deepEqual(matchShortcut(key({ key: 'л', code: 'KeyK', ctrlKey: true }), pc), { type: 'quick-switch' }, 'another layout');
    assert.deepEqual(matchShortcut(key({ key: 'k', code: 'KeyK', metaKey: true }), mac), { type: 'quick-switch' });
    assert.equal(matchShortcut(key({ key: 'k', code: 'KeyK', metaKey: true }), pc), undefined);
    assert.equal(matchShortcut(key({ key: 'k', code: 'KeyK', ctrlKey: true }), mac), undefined, 'Ctrl+K is a text command on macOS');
    assert.equal(matchShortcut(key({ key: 'K', code: 'KeyK', ctrlKey: true, shiftKey: true }), pc), undefined);
    assert.equal(matchShortcut(key({ key: 'k', code: 'KeyK', ctrlKey: true, altKey: true }), pc), undefined, 'AltGr');
    assert.equal(matchShortcut(key({ key: 'k', code: 'KeyK' }), pc), undefined);
  });

  it('Alt+↑/↓ step through rooms, with Shift through unread ones, in text fields too', () => {
    assert.deepEqual(matchShortcut(key({ key: 'ArrowDown', altKey: true }), field), { type: 'cycle', direction: 1, unreadOnly: false });
    assert.deepEqual(matchShortcut(key({ key: 'ArrowUp', altKey: true }), pc), { type: 'cycle', direction: -1, unreadOnly: false });
    assert.deepEqual(matchShortcut(key({ key: 'ArrowUp', altKey: true, shiftKey: true }), mac), { type: 'cycle', direction: -1, unreadOnly: true });
    assert.equal(matchShortcut(key({ key: 'ArrowUp' }), pc), undefined);
    assert.equal(matchShortcut(key({ key: 'ArrowUp', altKey: true, ctrlKey: true }), pc), undefined);
    assert.equal(matchShortcut(key({ key: 'ArrowLeft', altKey: true }), pc), undefined, 'Alt+← is the browser’s Back');
  });

  it('? outside text fields only, without modifiers other than Shift', () => {
    assert.deepEqual(matchShortcut(key({ key: '?', code: 'Slash', shiftKey: true }), pc), { type: 'help' });
    assert.equal(matchShortcut(key({ key: '?', code: 'Slash', shiftKey: true }), field), undefined);
    assert.equal(matchShortcut(key({ key: '?', code: 'Slash', shiftKey: true, ctrlKey: true }), pc), undefined);
    assert.equal(matchShortcut(key({ key: '/', code: 'Slash' }), pc), undefined);
  });

  it('Shift+Esc marks everything read, in text fields too; Esc alone is the dialogs’', () => {
    assert.deepEqual(matchShortcut(key({ key: 'Escape', code: 'Escape', shiftKey: true }), field), { type: 'mark-all-read' });
    assert.equal(matchShortcut(key({ key: 'Escape', code: 'Escape' }), pc), undefined);
    assert.equal(matchShortcut(key({ key: 'Escape', code: 'Escape', shiftKey: true, ctrlKey: true }), pc), undefined);
  });

  it('nothing during an IME composition', () => {
    assert.equal(matchShortcut(key({ key: 'k', code: 'KeyK', ctrlKey: true, isComposing: true }), pc), undefined);
    assert.equal(matchShortcut(key({ key: 'Process', code: 'ArrowDown', altKey: true, keyCode: 229 }), pc), undefined);
    assert.equal(matchShortcut(key({ key: '?', isComposing: true }), pc), undefined);
  });

  it('names keys per platform, and the dialog lists every shortcut', () => {
    assert.equal(isApplePlatform('MacIntel'), true);
    assert.equal(isApplePlatform('macOS'), true);
    assert.equal(isApplePlatform('iPhone'), true);
    assert.equal(isApplePlatform('Linux x86_64'), false);
    assert.equal(isApplePlatform('Win32'), false);
    assert.equal(keyLabel('mod', true).glyph, '⌘');
    assert.equal(keyLabel('mod', false).glyph, 'Ctrl');
    const listed = SHORTCUT_GROUPS.flatMap((group) => group.shortcuts.flatMap((s) => s.combos.map((combo) => combo.join('+'))));
    for (const combo of ['mod+k', 'alt+up', 'alt+down', 'alt+shift+up', 'alt+shift+down', '?', 'enter', 'shift+enter', 'esc']) {
      assert.ok(listed.includes(combo), `${combo} is listed`);
    }
  });
});

describe('adjacentRoom', () => {
  const order = [
    { room: 'alpha', unread: 0 },
    { room: 'beta', unread: 0 },
    { room: 'gamma', unread: 3 },
    { room: 'dm:a:b', unread: 0 },
    { room: 'dm:a:c', unread: 1 },
  ];

  it('steps through sidebar order and wraps at both ends', () => {
    assert.equal(adjacentRoom(order, 'alpha', 1), 'beta');
    assert.equal(adjacentRoom(order, 'gamma', 1), 'dm:a:b');
    assert.equal(adjacentRoom(order, 'dm:a:c', 1), 'alpha');
    assert.equal(adjacentRoom(order, 'alpha', -1), 'dm:a:c');
    assert.equal(adjacentRoom(order, 'beta', -1), 'alpha');
  });

  it('with nothing open (or a room not in the list), ↓ starts at the top and ↑ at the bottom', () => {
    assert.equal(adjacentRoom(order, undefined, 1), 'alpha');
    assert.equal(adjacentRoom(order, undefined, -1), 'dm:a:c');
    assert.equal(adjacentRoom(order, 'viewed-only', 1), 'alpha');
  });

  it('unread only: the nearest room with unread messages that way, wrapping; none, nowhere', () => {
    assert.equal(adjacentRoom(order, 'alpha', 1, true), 'gamma');
    assert.equal(adjacentRoom(order, 'gamma', 1, true), 'dm:a:c');
    assert.equal(adjacentRoom(order, 'dm:a:c', 1, true), 'gamma');
    assert.equal(adjacentRoom(order, 'alpha', -1, true), 'dm:a:c');
    assert.equal(adjacentRoom(order, 'beta', -1, true), 'dm:a:c');
    assert.equal(adjacentRoom(order.map((e) => ({ ...e, unread: 0 })), 'alpha', 1, true), undefined);
    assert.equal(adjacentRoom([{ room: 'alpha', unread: 0 }], 'alpha', 1), undefined, 'no other room');
    assert.equal(adjacentRoom([], undefined, 1), undefined);
  });
});

describe('knownPeople', () => {
  const source: PeopleSource = {
    me: 'Me',
    rooms: new Map([
      ['general', { room: 'general', members: [{ username: 'Alice' }, { username: 'me' }, { username: 'bob' }] }],
      ['random', { room: 'random', members: undefined }],
      ['dm:carol:me', { room: 'dm:carol:me', members: undefined }],
    ]),
    presence: new Map([
      ['alice', 'online'],
      ['dave', 'offline'],
      ['me', 'online'],
    ]),
    dmPartner: (room) => (room === 'dm:carol:me' ? 'carol' : undefined),
  };

  it('every name the store knows (members, DM partners, presence), once, spelled as members spell it, without me', async () => {
    assert.deepEqual(knownPeople(source), ['Alice', 'bob', 'carol', 'dave']);
    assert.deepEqual(await knownPeopleSearch(source)('whatever'), ['Alice', 'bob', 'carol', 'dave']);
  });
});
