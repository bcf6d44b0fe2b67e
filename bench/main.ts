#!/usr/bin/env node
/**
 * `hubbub bench` / `npm run bench`: the load tool. Starts each server under test itself
 * (hubbub, a Socket.IO v4 server with rooms, a bare `ws` hub), drives it over real WebSockets,
 * and prints a table (or JSON lines). Runs are interleaved target by target, round by round, so
 * a noisy machine affects every target alike. The server and the generator are pinned to
 * different cores where `taskset` exists.
 */
import { spawnSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { Progress } from './report/progress.js';
import { formatTable, toJsonLine, toMarkdown, type BenchResult } from './report/table.js';
import { writeCharts } from './report/charts.js';
import { fanoutScenario } from './scenarios/fanout.js';
import { historyScenario } from './scenarios/history.js';
import { idleScenario } from './scenarios/idle.js';
import { persistScenario } from './scenarios/persist.js';
import type { DatabaseKind } from './scenarios/databases.js';
import { roomsScenario } from './scenarios/rooms.js';
import type { Scenario, ScenarioContext } from './scenarios/scenario.js';
import { targetsWith } from './targets/index.js';
import type { TargetName } from './types.js';

const SCENARIOS = ['fanout', 'rooms', 'idle', 'persist', 'history'] as const;
type ScenarioName = (typeof SCENARIOS)[number];

interface Options {
  targets: string;
  rounds: string;
  quick?: boolean;
  json?: boolean;
  out?: string;
  subscribers?: string;
  clients?: string;
  connections?: string;
  stepSeconds: string;
  batchWindow: string;
  databases: string;
  pin: boolean;
  serverEnv: string[];
  baseline?: string;
}

const list = (text: string): string[] => text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
const numbers = (text: string): number[] => list(text).map(Number);
const DATABASES: readonly DatabaseKind[] = ['sqlite', 'postgres', 'mysql'];
/** The `--databases` list, each one checked. */
function databases(text: string): DatabaseKind[] {
  return list(text).map((name) => {
    if (!DATABASES.includes(name as DatabaseKind)) throw new Error(`unknown database ${name}: use ${DATABASES.join(', ')}`);
    return name as DatabaseKind;
  });
}

/** Re-runs this process pinned to CPU 1 (the server gets CPU 0), once. */
function pinSelf(): boolean {
  if (process.env.HUBBUB_BENCH_PINNED !== undefined) return false;
  if (spawnSync('taskset', ['-V']).status !== 0) return false;
  const child = spawn('taskset', ['-c', '1', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, HUBBUB_BENCH_PINNED: '1' },
  });
  child.on('exit', (code) => process.exit(code ?? 1));
  return true;
}

/** The parameter sets a scenario runs with (`--quick` for a smoke run of every path). */
function plans(name: ScenarioName, options: Options): unknown[] {
  const quick = options.quick === true;
  const stepMs = Number(options.stepSeconds) * 1000;
  switch (name) {
    case 'fanout': {
      const sizes = options.subscribers !== undefined ? numbers(options.subscribers) : quick ? [100] : [100, 1000, 5000];
      // Offered deliveries/s, stepped up; the message rate per step is that over N.
      const deliveryTargets = quick ? [20_000, 50_000] : [50_000, 100_000, 200_000, 400_000, 700_000, 1_000_000, 1_400_000, 2_000_000, 3_000_000];
      return sizes.map((subscribers) => ({
        subscribers,
        publishers: 4,
        rates: deliveryTargets.map((d) => Math.max(1, Math.round(d / subscribers))),
        stepMs: quick ? 2000 : stepMs,
        messageBytes: 100,
        p99LimitMs: 100,
      }));
    }
    case 'rooms': {
      const sizes = options.clients !== undefined ? numbers(options.clients) : quick ? [500] : [1000, 5000, 10_000];
      return sizes.map((clients) => ({ clients, roomSize: 10, durationMs: quick ? 3000 : 10_000, messageBytes: 100 }));
    }
    case 'idle': {
      const sizes = options.connections !== undefined ? numbers(options.connections) : quick ? [1000] : [19_500];
      return sizes.map((connections) => ({ connections, roomSize: 10 }));
    }
    case 'persist':
      return databases(options.databases).map((database) => ({
        database,
        senders: 100,
        durationMs: quick ? 3000 : 10_000,
        messageBytes: 100,
        sendersPerRoom: 10,
      }));
    case 'history':
      return databases(options.databases).map((database) => ({
        database,
        roomMessages: quick ? 20_000 : 1_000_000,
        requests: quick ? 200 : 1000,
        missed: quick ? 2000 : 10_000,
        resumes: 3,
      }));
  }
}

const scenarioByName: Record<ScenarioName, Scenario<never>> = {
  fanout: fanoutScenario as Scenario<never>,
  rooms: roomsScenario as Scenario<never>,
  idle: idleScenario as Scenario<never>,
  persist: persistScenario as Scenario<never>,
  history: historyScenario as Scenario<never>,
};

async function run(selected: ScenarioName[], options: Options): Promise<void> {
  const wanted = list(options.targets) as TargetName[];
  const available = targetsWith(options.baseline);
  for (const name of wanted) {
    if (name === 'hubbub-baseline' && options.baseline === undefined) throw new Error('target hubbub-baseline needs --baseline DIR');
    if (available[name] === undefined) throw new Error(`unknown target ${name} (hubbub, hubbub-baseline, hubbub-cluster, socketio, ws)`);
  }
  const windows = numbers(options.batchWindow);
  const serverEnv = Object.fromEntries(
    options.serverEnv.map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`--server-env wants KEY=VALUE, got ${pair}`);
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    }),
  );
  const pinned = process.env.HUBBUB_BENCH_PINNED !== undefined;
  const results: BenchResult[] = [];
  const status = (text: string): void => {
    process.stderr.write(`[bench] ${text}\n`);
  };
  const progress = new Progress();
  status(`generator pid ${process.pid}${pinned ? ' pinned to CPU 1, servers to CPU 0' : ' (not pinned)'}`);

  for (const scenarioName of selected) {
    const scenario = scenarioByName[scenarioName];
    for (const params of plans(scenarioName, options)) {
      for (let round = 0; round < Number(options.rounds); round++) {
        // Interleaved: every target once per round, hubbub variants (coalescing windows) included.
        for (const targetName of wanted.filter((t) => scenario.targets.includes(t))) {
          const variants = targetName.startsWith('hubbub') ? windows : [undefined];
          for (const window of variants) {
            const context: ScenarioContext = {
              serverCpu: pinned ? 0 : undefined,
              env: (t): Record<string, string> => ({
                ...serverEnv,
                ...(t.startsWith('hubbub') && window !== undefined ? { BATCH_WINDOW_MS: String(window) } : {}),
              }),
              status,
              progress,
            };
            const rows = await scenario.run(available[targetName]!, params as never, context);
            for (const row of rows) {
              const labelled: BenchResult =
                window === undefined ? row : { ...row, params: { ...row.params, batchWindowMs: window } };
              results.push(labelled);
              if (options.json === true) process.stdout.write(`${toJsonLine(labelled)}\n`);
            }
          }
        }
      }
    }
  }

  if (options.json !== true) process.stdout.write(`\n${formatTable(results)}\n`);
  if (options.out !== undefined) {
    mkdirSync(options.out, { recursive: true });
    writeFileSync(join(options.out, 'results.md'), `${toMarkdown(results)}\n`);
    writeFileSync(join(options.out, 'results.jsonl'), results.map((r) => toJsonLine(r)).join('\n') + '\n');
    for (const [file, svg] of writeCharts(results)) writeFileSync(join(options.out, file), svg);
    status(`wrote ${options.out}/results.md, results.jsonl and charts`);
  }
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('hubbub bench')
    .description('measure hubbub against Socket.IO and a bare ws hub, side by side')
    .argument('[scenarios...]', `scenarios to run: ${SCENARIOS.join(', ')} (default: all)`)
    .option('--targets <list>', 'servers to measure', 'hubbub,socketio,ws')
    .option('--rounds <n>', 'interleaved rounds per configuration', '1')
    .option('--quick', 'small sizes: a smoke run of every path')
    .option('--json', 'JSON lines on stdout instead of a table')
    .option('--out <dir>', 'also write results.md, results.jsonl and SVG charts there')
    .option('--subscribers <list>', 'fanout room sizes (default 100,1000,5000)')
    .option('--clients <list>', 'rooms scenario client counts (default 1000,5000,10000)')
    .option('--connections <list>', 'idle connection counts (default 19500)')
    .option('--step-seconds <s>', 'duration of each fanout rate step', '5')
    .option('--batch-window <list>', 'hubbub BATCH_WINDOW_MS values to compare (default: the server default)', '0')
    .addOption(new Option('--databases <list>', 'stores for persist and history').default(DATABASES.join(',')))
    .option('--no-pin', 'do not pin server and generator to separate cores')
    .option('--baseline <dir>', 'another hubbub checkout, measured as target hubbub-baseline in the same run (before/after)')
    .option('--server-env <KEY=VALUE>', 'extra environment for the servers (repeatable), e.g. NODE_OPTIONS=--cpu-prof', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .action(async (scenarios: string[], options: Options) => {
      const selected = (scenarios.length === 0 ? [...SCENARIOS] : scenarios) as ScenarioName[];
      for (const name of selected) if (!SCENARIOS.includes(name)) throw new Error(`unknown scenario ${name}`);
      if (options.pin && pinSelf()) return;
      await run(selected, options);
      // Sockets of closed servers can keep the loop alive for a while; the run is over.
      process.exit(0);
    });
  await program.parseAsync(argv, { from: 'user' });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`hubbub bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
