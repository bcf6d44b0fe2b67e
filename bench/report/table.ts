/**
 * Result output: a fixed-width text table for the terminal, the same content as Markdown for
 * docs/benchmarks.md, and one JSON object per line for machines. Rows are grouped by scenario;
 * columns are the target, the parameters, then whichever metrics the group's rows carry.
 */
import type { TargetName } from '../types.js';

/** One measured configuration: a scenario run against one target with one set of parameters. */
export interface BenchResult {
  readonly scenario: string;
  readonly target: TargetName;
  readonly params: Readonly<Record<string, number | string>>;
  /** Figures by name: `deliveriesPerSec`, `lossRatio`, `p50` … (latencies in ms). */
  readonly metrics: Readonly<Record<string, number>>;
  readonly notes: readonly string[];
  /** The load generator's CPU share during the run (1 = one core fully busy). */
  readonly generatorCpu: number;
  /** The generator was saturated, so throughput figures are lower bounds. */
  readonly generatorBound: boolean;
}

/** The mark on generator-bound rows, explained by `GENERATOR_BOUND_NOTE`. */
export const GENERATOR_BOUND_MARK = '*';
/** The footnote under a table with generator-bound rows. */
export const GENERATOR_BOUND_NOTE =
  'generator-bound: the load generator ran out of CPU, so these figures are lower bounds of what the server can do.';

type Format = (value: number) => string;

const DASH = '–';
const grouped = (digits: number): Format => (value) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Milliseconds: two decimals for small values, one from 10 ms, none from 1 s. */
const ms: Format = (value) => grouped(Math.abs(value) < 10 ? 2 : Math.abs(value) < 1000 ? 1 : 0)(value);

/** A rate: whole numbers from 100/s, one decimal below (a slow connect rate still reads). */
const rate: Format = (value) => grouped(Math.abs(value) < 100 ? 1 : 0)(value);

/** A ratio as a percentage; tiny non-zero losses keep their magnitude instead of reading 0%. */
export function formatPercent(ratio: number): string {
  const pct = ratio * 100;
  if (pct === 0) return '0%';
  const abs = Math.abs(pct);
  if (abs < 0.01) return `${pct.toExponential(1)}%`;
  return `${pct.toFixed(abs < 10 ? 2 : 1)}%`;
}

/** A number with no known unit: integers grouped, fractions to two decimals. */
const plain: Format = (value) => grouped(Number.isInteger(value) ? 0 : 2)(value);

interface Column {
  readonly label: string;
  readonly format: Format;
}

/** Known metrics, in the order their columns appear. */
const KNOWN: Readonly<Record<string, Column>> = {
  deliveriesPerSec: { label: 'deliveries/s', format: rate },
  publishesPerSec: { label: 'publishes/s', format: rate },
  acksPerSec: { label: 'acks/s', format: rate },
  connectsPerSec: { label: 'connects/s', format: rate },
  lossRatio: { label: 'loss', format: formatPercent },
  duplicates: { label: 'dups', format: plain },
  min: { label: 'min ms', format: ms },
  p50: { label: 'p50 ms', format: ms },
  p95: { label: 'p95 ms', format: ms },
  p99: { label: 'p99 ms', format: ms },
  p999: { label: 'p99.9 ms', format: ms },
  max: { label: 'max ms', format: ms },
  mean: { label: 'mean ms', format: ms },
  kibPerConn: { label: 'KiB/conn', format: grouped(1) },
  serverCpu: { label: 'server CPU', format: formatPercent },
};

/** A metric's column: known ones by name, others by their suffix, else the name as is. */
function columnFor(key: string): Column {
  const known = KNOWN[key];
  if (known !== undefined) return known;
  if (key.endsWith('PerSec')) return { label: `${key.slice(0, -6)}/s`, format: rate };
  if (key.endsWith('Ratio') || key.endsWith('Share')) return { label: key, format: formatPercent };
  if (key.endsWith('Ms')) return { label: `${key.slice(0, -2)} ms`, format: ms };
  return { label: key, format: plain };
}

/** Formats one number for a column; NaN, ±Infinity and missing values print as a dash. */
function cell(format: Format, value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? DASH : format(value);
}

/** A scenario's rows as a grid of strings, plus which columns are numeric (right-aligned). */
interface Grid {
  readonly scenario: string;
  readonly header: string[];
  readonly numeric: boolean[];
  readonly body: string[][];
  readonly notes: string[];
  readonly bound: boolean;
}

function unionKeys(records: readonly Readonly<Record<string, unknown>>[]): string[] {
  const keys = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) keys.add(key);
  return [...keys];
}

function gridOf(scenario: string, rows: readonly BenchResult[]): Grid {
  const params = unionKeys(rows.map((row) => row.params));
  const present = unionKeys(rows.map((row) => row.metrics));
  const known = Object.keys(KNOWN).filter((key) => present.includes(key));
  const metrics = [...known, ...present.filter((key) => !(key in KNOWN))];
  const columns = metrics.map(columnFor);
  const header = ['target', ...params, ...columns.map((column) => column.label), 'gen CPU'];
  const numeric = [false, ...params.map((key) => rows.every((row) => typeof row.params[key] !== 'string')), ...metrics.map(() => true), true];
  const notes: string[] = [];
  const body = rows.map((row) => {
    const label = row.generatorBound ? `${row.target}${GENERATOR_BOUND_MARK}` : row.target;
    const paramCells = params.map((key) => {
      const value = row.params[key];
      return value === undefined ? DASH : typeof value === 'number' ? cell(plain, value) : value;
    });
    const metricCells = metrics.map((key, i) => cell(columns[i]?.format ?? plain, row.metrics[key]));
    const where = params.map((key) => `${key}=${row.params[key] ?? DASH}`).join(', ');
    for (const note of row.notes) notes.push(`${row.target}${where === '' ? '' : ` (${where})`}: ${note}`);
    return [label, ...paramCells, ...metricCells, cell(formatPercent, row.generatorCpu)];
  });
  return { scenario, header, numeric, body, notes, bound: rows.some((row) => row.generatorBound) };
}

/** Rows grouped by scenario, in the order each scenario first appears. */
function grids(rows: readonly BenchResult[]): Grid[] {
  const byScenario = new Map<string, BenchResult[]>();
  for (const row of rows) {
    const group = byScenario.get(row.scenario);
    if (group === undefined) byScenario.set(row.scenario, [row]);
    else group.push(row);
  }
  return [...byScenario].map(([scenario, group]) => gridOf(scenario, group));
}

/** The fixed-width text table: one block per scenario, footnotes under each block. */
export function formatTable(rows: readonly BenchResult[]): string {
  const blocks = grids(rows).map((grid) => {
    const lines = [grid.header, ...grid.body];
    const widths = grid.header.map((_, c) => Math.max(...lines.map((line) => (line[c] ?? '').length)));
    const render = (line: readonly string[]) =>
      line
        .map((text, c) => (grid.numeric[c] ? text.padStart(widths[c] ?? 0) : text.padEnd(widths[c] ?? 0)))
        .join('  ')
        .trimEnd();
    const out = [`== ${grid.scenario} ==`, render(grid.header), widths.map((w) => '-'.repeat(w)).join('  ')];
    out.push(...grid.body.map(render));
    if (grid.bound) out.push(`${GENERATOR_BOUND_MARK} ${GENERATOR_BOUND_NOTE}`);
    out.push(...grid.notes.map((note) => `note: ${note}`));
    return out.join('\n');
  });
  return blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`;
}

/** Escapes what Markdown would read as table syntax or emphasis inside a cell. */
function mdEscape(text: string): string {
  return text.replace(/[\\|*_`]/g, (char) => `\\${char}`).replace(/\r?\n/g, ' ');
}

/** The same content as `formatTable`, as Markdown: a heading and a table per scenario. */
export function toMarkdown(rows: readonly BenchResult[]): string {
  const blocks = grids(rows).map((grid) => {
    const line = (cells: readonly string[]) => `| ${cells.map(mdEscape).join(' | ')} |`;
    const out = [`### ${mdEscape(grid.scenario)}`, '', line(grid.header)];
    out.push(`|${grid.numeric.map((numeric) => (numeric ? ' ---: ' : ' --- ')).join('|')}|`);
    out.push(...grid.body.map(line));
    if (grid.bound || grid.notes.length > 0) out.push('');
    if (grid.bound) out.push(`\\${GENERATOR_BOUND_MARK} ${mdEscape(GENERATOR_BOUND_NOTE)}`);
    // Each note as its own list item, so Markdown does not run them together.
    out.push(...grid.notes.map((note) => `- ${mdEscape(note)}`));
    return out.join('\n');
  });
  return blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`;
}

/** One row as one line of JSON (no trailing newline); non-finite numbers become null. */
export function toJsonLine(row: BenchResult): string {
  return JSON.stringify(row);
}
