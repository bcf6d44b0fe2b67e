#!/usr/bin/env node
/**
 * The `hubbub` command line. Exit codes: 0 success, 1 a failure while running, 2 bad usage or
 * configuration (the message names what to fix).
 */
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import { settingsMarkdown } from '../config/settings.js';
import { CliUsageError, runChat } from './chat.js';
import { runMigrate } from './migrate.js';
import { runServe } from './serve.js';
import { runBench } from './bench.js';
import { runTail } from './tail.js';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Command-line flags that stand in for environment variables. */
function overrides(options: { port?: string; host?: string; databaseUrl?: string; logLevel?: string }): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (options.port !== undefined) env.PORT = options.port;
  if (options.host !== undefined) env.HOST = options.host;
  if (options.databaseUrl !== undefined) env.DATABASE_URL = options.databaseUrl;
  if (options.logLevel !== undefined) env.LOG_LEVEL = options.logLevel;
  return env;
}

function buildProgram(): Command {
  const program = new Command('hubbub')
    .description('hubbub: a self-hosted, horizontally scalable real-time chat server')
    .version('0.1.0')
    .showHelpAfterError('(run hubbub --help for usage)')
    .exitOverride();

  const databaseOption = new Option('--database-url <url>', 'DATABASE_URL: a file path, sqlite: URL, postgres:// or mysql:// URL');
  program
    .command('serve')
    .description('run the server (HTTP API, WebSocket endpoint and web app)')
    .option('-p, --port <port>', 'PORT to listen on')
    .option('--host <host>', 'HOST to listen on')
    .addOption(databaseOption)
    .option('--log-level <level>', 'LOG_LEVEL')
    .action(async (options: { port?: string; host?: string; databaseUrl?: string; logLevel?: string }) => {
      await runServe(loadConfig(overrides(options)));
    });

  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .addOption(new Option('--database-url <url>', 'DATABASE_URL to migrate'))
    .action(async (options: { databaseUrl?: string }) => {
      process.exitCode = await runMigrate(loadConfig(overrides(options)));
    });

  program
    .command('config')
    .description('print every setting with its environment variable and default')
    .action(() => {
      process.stdout.write(`${settingsMarkdown()}\n`);
    });

  const collect = (value: string, previous: string[]): string[] => [...previous, value];
  program
    .command('chat')
    .description('chat in the terminal (password from HUBBUB_PASSWORD or asked without echo)')
    .requiredOption('--url <url>', 'the server, e.g. http://localhost:3000')
    .requiredOption('--user <name>', 'your username')
    .option('--room <room>', 'a room to join; repeat for more (the first is current)', collect, [])
    .action(async (options: { url: string; user: string; room: string[] }) => {
      await runChat(options);
    });

  program
    .command('tail')
    .description("print a room's messages as JSON lines, live (for scripts)")
    .requiredOption('--url <url>', 'the server, e.g. http://localhost:3000')
    .requiredOption('--user <name>', 'the username to read as (password from HUBBUB_PASSWORD)')
    .requiredOption('--room <room>', 'the room to follow')
    .option('--history <n>', 'print the last N messages first', '0')
    .action(async (options: { url: string; user: string; room: string; history: string }) => {
      await runTail({ url: options.url, user: options.user, room: options.room, history: Number(options.history) });
    });

  program
    .command('bench')
    .description('run the load tool: hubbub beside Socket.IO and a bare ws hub (hubbub bench --help)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]', 'passed to the load tool')
    .action(async (args: string[]) => {
      process.exitCode = await runBench(args);
    });

  // After a usage error, point at the help that lists what was misused: a subcommand's own
  // flags are only in `hubbub <command> --help`.
  for (const command of program.commands) command.showHelpAfterError(`(run hubbub ${command.name()} --help for usage)`);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; anything else is a usage error commander already printed.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    if (error instanceof CliUsageError) {
      process.stderr.write(`hubbub: ${error.message}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`hubbub: invalid configuration\n${error.message}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    process.stderr.write(`hubbub: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT_FAILURE;
  }
}

await main(process.argv);
