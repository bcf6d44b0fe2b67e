/**
 * History and resume, hubbub only (the comparison servers keep nothing):
 * - history: the latency of a page of 50 at random positions in a room of 1,000,000 messages;
 * - resume: how long a client that missed 10,000 messages takes to hold them all again.
 * The room is filled through the store directly (a setup step, not what is measured); the
 * measured requests go through the server over WebSockets, with the project's SDK.
 */
import { WebSocket } from 'ws';
import { HubbubSocket } from '../../src/client/socket-client.js';
import type { WebSocketFactory } from '../../src/client/socket-client.js';
import { openStore } from '../../src/store/open-store.js';
import type { BenchResult } from '../report/table.js';
import { GENERATOR_BOUND_SHARE, startCpuWindow } from '../measure.js';
import { LatencyHistogram } from '../stats/latency-histogram.js';
import { signBenchToken } from '../targets/hubbub.js';
import type { RunningTarget } from '../types.js';
import { now } from '../types.js';
import type { Scenario } from './scenario.js';
import { latencyMetrics } from './scenario.js';
import { databaseFor, type DatabaseKind } from './databases.js';

export interface HistoryParams {
  readonly database: DatabaseKind;
  /** Messages in the room. */
  readonly roomMessages: number;
  /** History requests measured. */
  readonly requests: number;
  /** Messages a resuming client missed. */
  readonly missed: number;
  /** Resumes measured. */
  readonly resumes: number;
}

const ROOM = 'archive';
const FILL_BATCH = 5000;

export const historyScenario: Scenario<HistoryParams> = {
  name: 'history',
  targets: ['hubbub', 'hubbub-baseline'],
  async run(target, params, context) {
    const database = await databaseFor(params.database);
    try {
      context.status(`history on ${params.database}: filling a room with ${params.roomMessages.toLocaleString('en-US')} messages`);
      await fill(database.url, params.roomMessages);
      const running = await target.start({ cpu: context.serverCpu, env: { ...context.env(target.name), DATABASE_URL: database.url } });
      try {
        const history = await measureHistory(running, params);
        context.status(`resume on ${params.database}: ${params.resumes} clients missing ${params.missed} messages each`);
        const resume = await measureResume(running, params);
        return [history, resume];
      } finally {
        await running.stop();
      }
    } finally {
      await database.drop();
    }
  },
};

/** Writes the room's messages straight into the store, in large transactions. */
async function fill(url: string, count: number): Promise<void> {
  const store = await openStore(url);
  try {
    const stamp = Date.now();
    const writer = (await store.createUser('archivist', null, stamp))!;
    const reader = (await store.createUser('reader', null, stamp))!;
    const room = await store.findOrCreateRoom(ROOM, 'public', stamp);
    await store.addMember(room.id, writer.id, stamp);
    await store.addMember(room.id, reader.id, stamp);
    for (let start = 0; start < count; start += FILL_BATCH) {
      const batch = [];
      for (let i = start; i < Math.min(count, start + FILL_BATCH); i++) {
        batch.push({
          roomId: room.id,
          room: ROOM,
          senderId: writer.id,
          sender: writer.username,
          text: `archived message ${i} with a little text to make it look like chat`,
          createdAt: stamp + i,
          clientMsgId: `fill-${i}`,
        });
      }
      await store.appendMessages(batch);
    }
  } finally {
    await store.close();
  }
}

async function connect(running: RunningTarget, user: string, resume?: Record<string, number>, onMessage?: () => void): Promise<HubbubSocket> {
  return HubbubSocket.connect(`${running.url.replace(/^http/, 'ws')}/ws`, {
    token: await signBenchToken(user),
    WebSocket: WebSocket as unknown as WebSocketFactory,
    ...(resume === undefined ? {} : { resume }),
    ...(onMessage === undefined ? {} : { listeners: { message: onMessage } }),
  });
}

/** Sequential history pages at random positions: each request's round trip. */
async function measureHistory(running: RunningTarget, params: HistoryParams): Promise<BenchResult> {
  const socket = await connect(running, 'reader');
  const latency = new LatencyHistogram();
  const endCpu = await startCpuWindow(running);
  for (let i = 0; i < params.requests + 50; i++) {
    const before = 51 + Math.floor(Math.random() * (params.roomMessages - 50));
    const started = now();
    const page = await socket.history(ROOM, { before, limit: 50 });
    if (page.messages.length !== 50) throw new Error(`history page of ${page.messages.length}`);
    if (i >= 50) latency.record(now() - started); // the first 50 warm the caches
  }
  const cpu = await endCpu();
  socket.close();
  return {
    scenario: 'history',
    target: running.name,
    params: { database: params.database, roomMessages: params.roomMessages, page: 50 },
    metrics: { ...latencyMetrics(latency.summary()), serverCpu: cpu.serverShare },
    notes: [],
    generatorCpu: cpu.generatorShare,
    generatorBound: cpu.generatorShare > GENERATOR_BOUND_SHARE,
  };
}

/** A client misses `missed` messages, then resumes: the time until it holds all of them. */
async function measureResume(running: RunningTarget, params: HistoryParams): Promise<BenchResult> {
  const writer = await connect(running, 'archivist');
  const timings = new LatencyHistogram();
  const endCpu = await startCpuWindow(running);
  for (let round = 0; round < params.resumes; round++) {
    const lastSeq = (await writer.join(ROOM)).lastSeq!;
    for (let sent = 0; sent < params.missed; sent += 200) {
      await Promise.all(Array.from({ length: Math.min(200, params.missed - sent) }, () => writer.send(ROOM, 'while you were away')));
    }
    let received = 0;
    let done: () => void = () => {};
    const all = new Promise<void>((resolve) => (done = resolve));
    const started = now();
    const reader = await connect(running, 'reader', { [ROOM]: lastSeq }, () => {
      if (++received === params.missed) done();
    });
    await all;
    timings.record(now() - started);
    reader.close();
  }
  const cpu = await endCpu();
  writer.close();
  const summary = timings.summary();
  return {
    scenario: 'resume',
    target: running.name,
    params: { database: params.database, missed: params.missed },
    metrics: { resumeMs: summary.p50, resumeMaxMs: summary.max, serverCpu: cpu.serverShare },
    notes: [`median of ${params.resumes} resumes, from connect to the last missed message`],
    generatorCpu: cpu.generatorShare,
    generatorBound: cpu.generatorShare > GENERATOR_BOUND_SHARE,
  };
}
