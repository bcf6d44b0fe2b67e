import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Progress, type ProgressStream } from './progress.js';
import { barChart, escapeXml, formatTick, lineChart } from './svg.js';
import { formatPercent, formatTable, GENERATOR_BOUND_NOTE, toJsonLine, toMarkdown, type BenchResult } from './table.js';

const rows: BenchResult[] = [
  {
    scenario: 'fanout',
    target: 'hubbub',
    params: { subscribers: 1000, size: 'small' },
    metrics: { deliveriesPerSec: 1234567.8, lossRatio: 0, p50: 1.234, p99: 12.345, max: 1500.4 },
    notes: ['batch window 2 ms'],
    generatorCpu: 0.42,
    generatorBound: false,
  },
  {
    scenario: 'fanout',
    target: 'socketio',
    params: { subscribers: 1000, size: 'small' },
    metrics: { deliveriesPerSec: 650000, lossRatio: 0.0125, p50: 3.2, p99: Number.NaN, max: 40 },
    notes: [],
    generatorCpu: 0.98,
    generatorBound: true,
  },
  {
    scenario: 'connect',
    target: 'ws',
    params: { clients: 10000 },
    metrics: { connectsPerSec: 5321.7, kibPerConn: 12.34 },
    notes: [],
    generatorCpu: 0.3,
    generatorBound: false,
  },
];

describe('formatTable', () => {
  const text = formatTable(rows);
  const lines = text.split('\n');

  test('one block per scenario, in order, with columns from the metrics present', () => {
    const fanout = lines.indexOf('== fanout ==');
    const connect = lines.indexOf('== connect ==');
    assert.ok(fanout >= 0 && connect > fanout);
    const fanoutHeader = lines[fanout + 1] ?? '';
    for (const label of ['target', 'subscribers', 'size', 'deliveries/s', 'loss', 'p50 ms', 'p99 ms', 'max ms', 'gen CPU']) {
      assert.ok(fanoutHeader.includes(label), `fanout header lacks ${label}: ${fanoutHeader}`);
    }
    assert.ok(!fanoutHeader.includes('connects/s') && !fanoutHeader.includes('p95'));
    const connectHeader = lines[connect + 1] ?? '';
    assert.match(connectHeader, /connects\/s\s+KiB\/conn/);
    assert.ok(!connectHeader.includes('deliveries/s'));
  });

  test('numbers: thousands separators, ms decimals, ratios as %, NaN as a dash', () => {
    const hubbub = lines.find((line) => line.startsWith('hubbub ')) ?? '';
    assert.match(hubbub, /1,234,568/);
    assert.match(hubbub, / 0% /);
    assert.match(hubbub, / 1\.23 /);
    assert.match(hubbub, / 12\.3 /);
    assert.match(hubbub, / 1,500 /);
    assert.match(hubbub, /42\.0%$/);
    const socketio = lines.find((line) => line.startsWith('socketio')) ?? '';
    assert.match(socketio, / 1\.25% /);
    assert.match(socketio, / – /);
  });

  test('columns line up: every row of a block as wide as its rule', () => {
    const fanout = lines.indexOf('== fanout ==');
    const rule = lines[fanout + 2] ?? '';
    assert.match(rule, /^[- ]+$/);
    // Right-aligned numbers end where the rule ends.
    assert.equal((lines[fanout + 3] ?? '').length, rule.length);
  });

  test('generator-bound rows are marked, with a footnote saying they are lower bounds', () => {
    assert.ok(lines.some((line) => line.startsWith('socketio* ')));
    assert.ok(lines.some((line) => line.startsWith('hubbub ')));
    assert.ok(lines.includes(`* ${GENERATOR_BOUND_NOTE}`));
    assert.match(GENERATOR_BOUND_NOTE, /lower bound/);
    // Only the block with a bound row carries the footnote.
    assert.equal(lines.filter((line) => line.startsWith('* ')).length, 1);
  });

  test('notes are listed under their block with the row they belong to', () => {
    assert.ok(lines.includes('note: hubbub (subscribers=1000, size=small): batch window 2 ms'));
  });

  test('no rows, no output', () => {
    assert.equal(formatTable([]), '');
    assert.equal(toMarkdown([]), '');
  });
});

describe('formatPercent', () => {
  test('keeps the magnitude of tiny losses', () => {
    assert.equal(formatPercent(0), '0%');
    assert.equal(formatPercent(0.0125), '1.25%');
    assert.equal(formatPercent(0.5), '50.0%');
    assert.equal(formatPercent(1.2e-6), '1.2e-4%');
  });
});

describe('toMarkdown', () => {
  const markdown = toMarkdown(rows);
  const lines = markdown.split('\n');

  test('a heading and a table per scenario, numbers right-aligned', () => {
    assert.ok(lines.includes('### fanout') && lines.includes('### connect'));
    assert.ok(lines.includes('| target | subscribers | size | deliveries/s | loss | p50 ms | p99 ms | max ms | gen CPU |'));
    assert.ok(lines.includes('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |'));
    assert.ok(lines.includes('| hubbub | 1,000 | small | 1,234,568 | 0% | 1.23 | 12.3 | 1,500 | 42.0% |'));
  });

  test('the marker and footnote are escaped so Markdown shows the asterisk', () => {
    assert.ok(lines.some((line) => line.startsWith('| socketio\\* |')));
    assert.ok(lines.some((line) => line.startsWith('\\* generator-bound')));
  });

  test('pipes in cells cannot break the table', () => {
    const [first] = rows;
    assert.ok(first);
    const tricky = toMarkdown([{ ...first, params: { mode: 'a|b' } }]);
    assert.ok(tricky.includes('a\\|b'));
  });
});

describe('toJsonLine', () => {
  test('one parseable line per row; NaN becomes null', () => {
    const [, socketio] = rows;
    assert.ok(socketio);
    const line = toJsonLine(socketio);
    assert.ok(!line.includes('\n'));
    const parsed: unknown = JSON.parse(line);
    assert.deepEqual(parsed, { ...socketio, metrics: { ...socketio.metrics, p99: null } });
  });
});

/**
 * A strict enough XML check for our output: every tag closes in order, attributes are quoted,
 * and text holds no raw `<` or a `&` that does not start an entity.
 */
function assertWellFormed(xml: string): void {
  const stack: string[] = [];
  const token = /<\/?([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let end = 0;
  for (const match of xml.matchAll(token)) {
    end = (match.index ?? 0) + match[0].length;
    const [whole, name, , selfClosing, text] = match;
    if (text !== undefined) {
      assert.ok(!/&(?!(?:#\d+|#x[\da-f]+|amp|lt|gt|quot|apos);)/i.test(text), `raw & in ${text}`);
      continue;
    }
    if (name === undefined) continue;
    if (whole.startsWith('</')) assert.equal(stack.pop(), name, `unbalanced </${name}>`);
    else if (selfClosing !== '/') stack.push(name);
  }
  assert.equal(end, xml.length, `unparseable from: ${xml.slice(end, end + 80)}`);
  assert.deepEqual(stack, [], 'unclosed tags');
}

describe('svg', () => {
  const nasty = 'Deliveries <per> second & "more"';

  test('lineChart: standalone, well-formed, escaped, one line per series', () => {
    const svg = lineChart({
      title: nasty,
      xLabel: 'offered <rate>',
      yLabel: 'deliveries/s',
      logX: true,
      series: [
        { name: 'hubbub', points: [[1000, 990_000], [100, 100_000], [10_000, 2_500_000]] },
        { name: 'socketio & co', points: [[100, 100_000], [1000, 700_000], [0, 5], [10_000, Number.NaN]] },
        { name: 'ws', points: [[100, 100_000]] },
      ],
    });
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assertWellFormed(svg);
    assert.ok(svg.includes(escapeXml(nasty)) && !svg.includes('<per>'));
    assert.ok(svg.includes('offered &#60;rate&#62;'));
    for (const name of ['hubbub', 'socketio &#38; co', 'ws']) assert.ok(svg.includes(`>${name}</text>`), name);
    assert.equal((svg.match(/<polyline/g) ?? []).length, 2); // ws has a single point: a marker only
    // Distinct colours per series.
    const strokes = [...svg.matchAll(/<polyline [^>]*stroke="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(new Set(strokes).size, strokes.length);
    assert.ok(svg.includes('>1k</text>') && svg.includes('>10k</text>'));
  });

  test('lineChart with no points still draws valid axes', () => {
    const svg = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [], logY: true });
    assertWellFormed(svg);
  });

  test('barChart: well-formed, a bar per value, a legend entry per name', () => {
    const svg = barChart({
      title: 'Latency <ms> & percentiles',
      yLabel: 'ms',
      groups: ['p50', 'p99'].map((label, i) => ({
        label,
        bars: [
          { name: 'hubbub', value: 1.5 * (i + 1) },
          { name: 'socketio', value: 3 * (i + 1) },
          { name: 'ws', value: i === 0 ? Number.NaN : 2 },
        ],
      })),
    });
    assert.match(svg, /^<svg xmlns=/);
    assertWellFormed(svg);
    assert.ok(svg.includes('Latency &#60;ms&#62; &#38; percentiles'));
    assert.equal((svg.match(/<rect [^>]*><title>/g) ?? []).length, 5); // the NaN bar is left out
    for (const name of ['hubbub', 'socketio', 'ws']) assert.ok(svg.includes(`>${name}</text>`), name);
  });

  test('tick labels are short', () => {
    assert.equal(formatTick(2_500_000), '2.5M');
    assert.equal(formatTick(999_999), '1M');
    assert.equal(formatTick(1500), '1.5k');
    assert.equal(formatTick(0.30000000000000004), '0.3');
    assert.equal(formatTick(0), '0');
  });
});

/** A stream that records what is written to it. */
function fakeStream(isTTY: boolean): ProgressStream & { readonly out: string[] } {
  const out: string[] = [];
  return { isTTY, columns: 80, out, write: (chunk) => out.push(chunk) > 0 };
}

describe('Progress', () => {
  test('not a TTY: one plain line per step, nothing per tick', () => {
    let clock = 0;
    const stream = fakeStream(false);
    const progress = new Progress({ stream, clock: () => clock });
    progress.start('connecting', 2000);
    for (let i = 0; i < 2000; i++) progress.tick();
    clock = 1500;
    progress.done();
    progress.done(); // a second done is a no-op
    assert.deepEqual(stream.out, ['connecting: 2,000/2,000 in 1.5 s\n']);
  });

  test('TTY: redraws at most every 100 ms, ends the line on done', () => {
    let clock = 0;
    const stream = fakeStream(true);
    const progress = new Progress({ stream, clock: () => clock });
    progress.start('run', 100);
    for (let i = 0; i < 100; i++) {
      clock += 10; // 100 ticks over 1 s: about 10 redraws
      progress.tick();
    }
    progress.done();
    const draws = stream.out.filter((chunk) => chunk.startsWith('\r'));
    assert.ok(draws.length >= 10 && draws.length <= 13, `${draws.length} redraws`);
    const last = draws.at(-1) ?? '';
    // Each redraw clears the rest of the line (ESC [ K) after the figures.
    assert.ok(last.endsWith('\x1b[K'), JSON.stringify(last));
    assert.match(last.slice(0, -3), /^\rrun \[#+\] 100\/100 100% 1\.0 s$/);
    assert.equal(stream.out.at(-1), '\n');
  });

  test('start ends a step left open', () => {
    const stream = fakeStream(false);
    const progress = new Progress({ stream, clock: () => 0 });
    progress.start('a', 0);
    progress.tick(5);
    progress.start('b', 1);
    progress.done();
    assert.deepEqual(stream.out, ['a: 5 in 0.0 s\n', 'b: 0/1 in 0.0 s\n']);
  });
});
