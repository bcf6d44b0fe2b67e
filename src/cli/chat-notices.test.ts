// The terminal chat's wording on its own: every error code as a sentence, what an outage, a
// rate limit, a failed message and typing print, and text from others made terminal-safe.
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { HubbubError } from '../client/errors.js';
import { ERROR_CODES, type ErrorCode } from '../protocol/codes.js';
import type { WelcomeEvent } from '../protocol/events.js';
import { ConnectionNotices } from './connection-notices.js';
import { describeError } from './error-wording.js';
import { SendNotices } from './send-notices.js';
import { oneLine, terminalSafe } from './terminal-text.js';
import { TypingNotices } from './typing-notices.js';

describe('describeError', () => {
  it('words every error code of the protocol as a sentence, without the code itself', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      const text = describeError(new HubbubError(code, "text: too long", 400, 3), { action: 'join #lobby', room: '#lobby', user: 'bob' });
      assert.match(text, /^[A-Z#]/, `${code}: ${text}`);
      assert.ok(!text.includes(code), `${code} shows its code: ${text}`);
    }
  });

  it('says what was refused and where', () => {
    assert.equal(describeError(new HubbubError('rate_limited', 'slow down', undefined, 2.2)), 'Sending too fast; wait 3 s and try again');
    assert.equal(describeError(new HubbubError('forbidden', 'nope'), { action: 'leave @bob' }), 'You are not allowed to leave @bob');
    assert.equal(describeError(new HubbubError('not_found', 'room x does not exist'), { room: '#x' }), 'No room #x');
    assert.equal(describeError(new HubbubError('not_found', 'no user zed'), { room: '@zed', user: 'zed' }), 'No user zed');
  });

  it('falls back to the server’s message for a code it does not know, on one line', () => {
    assert.equal(describeError(new HubbubError('brand_new', 'something new\n  happened')), 'Something new happened');
  });

  it('never shows a stack or a parser’s complaint', () => {
    const error = new Error('first line\n    at somewhere (file.ts:1:1)');
    assert.equal(describeError(error), 'First line at somewhere (file.ts:1:1)'.slice(0, 200));
    assert.match(describeError(new SyntaxError('Unexpected token < in JSON')), /not hubbub/);
    assert.match(describeError(new TypeError('fetch failed')), /Cannot reach the server/);
  });
});

describe('terminalSafe', () => {
  it('shows control characters and bidi overrides instead of obeying them; keeps newlines', () => {
    assert.equal(terminalSafe('a\u001b[2Jb\rc\u0007\u202ed\ne\tf'), 'a\uFFFD[2Jb\uFFFDc\uFFFD\uFFFDd\ne    f');
    assert.equal(oneLine('x'.repeat(10), 5), 'xxxx…');
  });
});

const welcome = (resumed: WelcomeEvent['resumed']): WelcomeEvent =>
  ({ type: 'welcome', user: { id: '1', username: 'alice' }, sessionId: 's', rooms: [], resumed, online: [] }) as unknown as WelcomeEvent;

describe('ConnectionNotices', () => {
  it('prints one line per outage and one when it is back, however many attempts', () => {
    const lines: string[] = [];
    const lost = mock.fn();
    const notices = new ConnectionNotices((line) => lines.push(line), lost);
    const retry = (attempt: number): void => {
      notices.state({ status: 'reconnecting', attempt, delayMs: 100, retryAt: 0, reason: 'closed' });
      notices.state({ status: 'connecting', attempt, url: 'u' });
    };
    for (let attempt = 0; attempt < 5; attempt++) retry(attempt);
    notices.welcome(welcome({ lobby: { recovered: true, missed: 2 }, gone: { recovered: false, missed: 0 }, dm: { recovered: true, missed: 1 } }));
    notices.state({ status: 'open', url: 'u', sessionId: 's' });
    retry(0);
    retry(1);
    notices.welcome(welcome({}));
    notices.state({ status: 'open', url: 'u', sessionId: 's' });
    // A quick reconnect with a renewed token: no outage to speak of.
    notices.state({ status: 'connecting', attempt: 0, url: 'u' });
    notices.state({ status: 'open', url: 'u', sessionId: 's' });
    assert.deepEqual(lines, [
      '* Connection lost, reconnecting…',
      '* Reconnected (3 messages caught up)',
      '* Connection lost, reconnecting…',
      '* Reconnected (no messages missed)',
    ]);
    assert.equal(lost.mock.callCount(), 2);
  });

  it('says when the login is gone', () => {
    const lines: string[] = [];
    new ConnectionNotices((line) => lines.push(line)).state({ status: 'offline', reason: 'revoked', fatal: true });
    assert.match(lines[0] ?? '', /^! You were signed out/);
  });
});

describe('SendNotices', () => {
  it('says "sending too fast" once when a conversation is held, not again for a while', () => {
    const lines: string[] = [];
    const notices = new SendNotices((line) => lines.push(line), (room) => `#${room}`);
    notices.pacing([{ room: 'lobby', to: undefined, until: 2500 }], 0);
    notices.pacing([{ room: 'lobby', to: undefined, until: 3500 }], 100);
    notices.pacing([], 3600);
    notices.pacing([{ room: 'lobby', to: undefined, until: 5000 }], 4000);
    notices.pacing([{ room: 'other', to: undefined, until: 5000 }], 4000);
    assert.deepEqual(lines, ['* Sending too fast; waiting 3 s', '* Sending too fast; waiting 1 s']);
  });

  it('reports a failed message once, with the start of its text', () => {
    const lines: string[] = [];
    const notices = new SendNotices((line) => lines.push(line), (room) => `#${room}`);
    notices.update({ clientMsgId: 'a', room: 'lobby', to: undefined, text: 'hi', status: 'sent', attempts: 1 });
    notices.update({ clientMsgId: 'b', room: undefined, to: 'zed', text: `${'y'.repeat(100)}`, status: 'failed', attempts: 1, error: new HubbubError('not_found', 'no user zed') });
    assert.deepEqual(lines, [`! Not delivered to @zed: no user zed. The message was: "${'y'.repeat(59)}…"`]);
  });
});

describe('TypingNotices', () => {
  it('without a terminal: one line per start, nothing when the message follows or the others go on', () => {
    const lines: string[] = [];
    const notices = new TypingNotices({ tty: false, print: (line) => lines.push(line), setStatus: () => assert.fail('no status line'), label: (room) => `#${room}`, current: () => 'lobby' });
    for (let i = 0; i < 5; i++) notices.typing({ room: 'lobby', user: 'bob', active: true });
    notices.typing({ room: 'lobby', user: 'carol', active: true });
    notices.message({ room: 'lobby', from: 'bob' });
    notices.typing({ room: 'lobby', user: 'carol', active: true });
    notices.reset();
    assert.deepEqual(lines, ['* bob is typing… in #lobby', '* carol is typing… in #lobby']);
  });

  it('on a terminal: one status line, the current room first, cleared when nobody types', () => {
    const statuses: string[] = [];
    const notices = new TypingNotices({ tty: true, print: () => assert.fail('no lines'), setStatus: (text) => statuses.push(text), label: (room) => `#${room}`, current: () => 'lobby' });
    notices.typing({ room: 'other', user: 'dan', active: true });
    notices.typing({ room: 'lobby', user: 'bob', active: true });
    notices.typing({ room: 'lobby', user: 'carol', active: true });
    notices.message({ room: 'lobby', from: 'bob' });
    notices.reset();
    assert.deepEqual(statuses, [
      'dan is typing… in #other',
      'bob is typing… in #lobby · dan is typing… in #other',
      'bob and carol are typing… in #lobby · dan is typing… in #other',
      'carol is typing… in #lobby · dan is typing… in #other',
      'carol is typing… in #lobby',
      '',
    ]);
  });
});
