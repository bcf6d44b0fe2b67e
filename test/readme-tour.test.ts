// The README's short tour shows exactly what the server answers: its two sessions are replayed
// against a real server, and every frame received is compared with the README's `<` lines,
// where `…` stands for an id or a time that differs on every run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { eventually, startTestServer, type TestServer } from './support/server.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const tour = readme.slice(readme.indexOf('## A short tour'), readme.indexOf('History over HTTP'));
/** The tour's code blocks that show a WebSocket session, in order: bob, alice, bob again. */
const sessions = [...tour.matchAll(/```(?:sh)?\n([\s\S]*?)```/g)]
  .map((block) => block[1]!.split('\n').filter((line) => line.startsWith('> ') || line.startsWith('< ')))
  .filter((lines) => lines.length > 0);

/** `expected` with each `…` allowed to be any text without a quote. */
function matches(received: string, expected: string): boolean {
  const pattern = expected.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^"]*');
  return new RegExp(`^${pattern}$`).test(received);
}

/** A session that sends the `>` lines one at a time, each after the frames it causes. */
async function open(url: string, token: string): Promise<{ received: string[]; socket: WebSocket }> {
  const socket = new WebSocket(`${url}?token=${token}`);
  const received: string[] = [];
  socket.on('message', (data) => received.push(`< ${data.toString()}`));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return { received, socket };
}

describe('the README tour', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it('shows the frames the server sends', async () => {
    assert.equal(sessions.length, 3, 'three sessions: bob, alice, bob again');
    const [bobLines, aliceLines, bobLater] = sessions as [string[], string[], string[]];
    const register = async (username: string, password: string): Promise<string> => (await t.http().register(username, password)).accessToken;
    // With the README's own passwords, so that a password the server would refuse cannot stay there.
    const passwords = new Map([...tour.matchAll(/"username":"(\w+)","password":"([^"]+)"/g)].map((m) => [m[1]!, m[2]!]));
    assert.deepEqual([...passwords.keys()], ['alice', 'bob']);
    const alice = await register('alice', passwords.get('alice')!);
    const bob = await register('bob', passwords.get('bob')!);
    // The README prints the rooms answer right after its curl command.
    const shownRooms = /curl -s localhost:3000\/api\/rooms [^\n]*\n(.*)\n/.exec(tour)?.[1];
    const rooms = await fetch(`${t.url}/api/rooms`, { headers: { authorization: `Bearer ${alice}` } });
    assert.equal(await rooms.text(), shownRooms);

    const replay = async (session: { received: string[]; socket: WebSocket }, lines: string[], from = 0): Promise<void> => {
      let expectedSoFar = from;
      for (const line of lines) {
        if (line.startsWith('> ')) {
          await eventually(() => session.received.length >= expectedSoFar, `the frames before ${line}`);
          session.socket.send(line.slice(2));
        } else {
          expectedSoFar++;
        }
      }
      await eventually(() => session.received.length >= expectedSoFar, 'every frame the README shows');
    };
    const bobSession = await open(t.wsUrl, bob);
    await replay(bobSession, bobLines);
    const aliceSession = await open(t.wsUrl, alice);
    await replay(aliceSession, aliceLines);
    const bobExpected = [...bobLines, ...bobLater].filter((line) => line.startsWith('< '));
    await eventually(() => bobSession.received.length >= bobExpected.length, 'bob to see alice and her message');
    await new Promise((resolve) => setTimeout(resolve, 200)); // nothing more arrives

    const aliceExpected = aliceLines.filter((line) => line.startsWith('< '));
    for (const [name, received, expected] of [
      ['bob', bobSession.received, bobExpected],
      ['alice', aliceSession.received, aliceExpected],
    ] as const) {
      assert.equal(received.length, expected.length, `${name} received:\n${received.join('\n')}`);
      expected.forEach((line, i) => assert.ok(matches(received[i]!, line), `${name}'s frame ${i + 1}:\n  got      ${received[i]}\n  README   ${line}`));
    }
    bobSession.socket.close();
    aliceSession.socket.close();
  });
});
