/**
 * Charts for docs/benchmarks.md as standalone SVG strings, with no dependencies: a line chart
 * (throughput against offered rate, one series per target) and a grouped bar chart (latency
 * percentiles or memory per connection, one bar per target). Every piece of caller text goes
 * through `escapeXml`, so names like `<ws & co>` cannot break the document.
 */

/** One line of a line chart: [x, y] points, drawn in ascending x. */
export interface LineSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

/** A line chart; log axes drop points ≤ 0, which a log scale cannot place. */
export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  readonly logX?: boolean;
  readonly logY?: boolean;
}

/** One bar; bars with the same name share a colour across groups. */
export interface Bar {
  readonly name: string;
  readonly value: number;
}

/** A cluster of bars under one label on the x axis (e.g. "p99" or a scenario). */
export interface BarGroup {
  readonly label: string;
  readonly bars: readonly Bar[];
}

/** A grouped bar chart with a linear y axis from zero. */
export interface BarChartOptions {
  readonly title: string;
  readonly yLabel: string;
  readonly groups: readonly BarGroup[];
}

const WIDTH = 720;
const HEIGHT = 440;
const LEFT = 80;
const RIGHT = 24;
const BOTTOM = 56;
/** Okabe–Ito colours: distinct for the common forms of colour blindness, minus the pale yellow. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#999999'];
/** A rough width of one 12 px sans-serif character, for laying out the legend. */
const CHAR_PX = 7;

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const num = (value: number): string => String(Math.round(value * 10) / 10);
const colourOf = (i: number): string => PALETTE[i % PALETTE.length] ?? '#000';

/** A tick label: short forms for large numbers (12k, 1.5M), three significant digits otherwise. */
export function formatTick(value: number): string {
  // Rounding first, so 999,999 reads as 1M rather than 1000k.
  const rounded = Number(value.toPrecision(3));
  for (const [scale, suffix] of [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) {
    if (Math.abs(rounded) >= scale) return `${Number((rounded / scale).toPrecision(3))}${suffix}`;
  }
  return String(rounded);
}

/** A mapping from data values to a pixel range, with the tick values to label. */
interface Axis {
  readonly ticks: readonly number[];
  at(value: number): number;
}

/** A linear axis over [lo, hi] widened to round tick steps (1, 2 or 5 × 10^k). */
function linearAxis(lo: number, hi: number, from: number, to: number): Axis {
  if (hi <= lo) hi = lo + 1;
  const rough = (hi - lo) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude;
  const first = Math.floor(lo / step);
  const last = Math.ceil(hi / step);
  // Ticks as i · step rounded to the step's precision, so 0.1 + 0.2 never labels as 0.30000000004.
  const ticks = Array.from({ length: last - first + 1 }, (_, i) => Number(((first + i) * step).toPrecision(12)));
  const min = first * step;
  const span = (last - first) * step;
  return { ticks, at: (value) => from + ((value - min) / span) * (to - from) };
}

/** A log10 axis over whole decades covering [lo, hi] (both > 0). */
function logAxis(lo: number, hi: number, from: number, to: number): Axis {
  const first = Math.floor(Math.log10(lo));
  const last = Math.max(first + 1, Math.ceil(Math.log10(hi)));
  const ticks = Array.from({ length: last - first + 1 }, (_, i) => 10 ** (first + i));
  return { ticks, at: (value) => from + ((Math.log10(value) - first) / (last - first)) * (to - from) };
}

function axisFor(values: readonly number[], log: boolean, fromZero: boolean, from: number, to: number): Axis {
  if (values.length === 0) return log ? logAxis(1, 10, from, to) : linearAxis(0, 1, from, to);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (log) return logAxis(lo, hi, from, to);
  return fromZero ? linearAxis(Math.min(0, lo), Math.max(0, hi), from, to) : linearAxis(lo, hi, from, to);
}

/** The legend rows under the title; returns the markup and the y where the plot may start. */
function legend(names: readonly string[], colours: readonly string[], top: number): [string, number] {
  const parts: string[] = [];
  let x = LEFT;
  let y = top;
  names.forEach((name, i) => {
    const width = 22 + name.length * CHAR_PX + 18;
    if (x + width > WIDTH - RIGHT && x > LEFT) {
      x = LEFT;
      y += 18;
    }
    parts.push(
      `<rect x="${x}" y="${y - 9}" width="14" height="10" fill="${colours[i] ?? '#000'}"/>`,
      `<text x="${x + 20}" y="${y}">${escapeXml(name)}</text>`,
    );
    x += width;
  });
  return [parts.join(''), names.length === 0 ? top : y + 22];
}

/** The frame every chart shares: root element, title, legend, axes, grid and axis titles. */
function frame(title: string, names: readonly string[], draw: (plotTop: number, plotBottom: number) => string): string {
  const colours = names.map((_, i) => colourOf(i));
  const [legendMarkup, plotTop] = legend(names, colours, 50);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    legendMarkup,
    draw(plotTop, HEIGHT - BOTTOM),
    '</svg>',
  ].join('\n');
}

/** Y grid lines, tick labels and the rotated y title. */
function yAxis(axis: Axis, label: string, top: number, bottom: number): string {
  const parts = axis.ticks.map((tick) => {
    const y = num(axis.at(tick));
    return `<line x1="${LEFT}" y1="${y}" x2="${WIDTH - RIGHT}" y2="${y}" stroke="#e0e0e0"/><text x="${LEFT - 6}" y="${y}" dy="4" text-anchor="end">${formatTick(tick)}</text>`;
  });
  const mid = num((top + bottom) / 2);
  parts.push(`<text x="18" y="${mid}" text-anchor="middle" transform="rotate(-90 18 ${mid})">${escapeXml(label)}</text>`);
  parts.push(`<line x1="${LEFT}" y1="${top}" x2="${LEFT}" y2="${bottom}" stroke="#333"/>`);
  parts.push(`<line x1="${LEFT}" y1="${bottom}" x2="${WIDTH - RIGHT}" y2="${bottom}" stroke="#333"/>`);
  return parts.join('\n');
}

/** A line chart: one coloured line with point markers per series, a legend, ticked axes. */
export function lineChart(options: LineChartOptions): string {
  const usable = (x: number, y: number) =>
    Number.isFinite(x) && Number.isFinite(y) && (options.logX !== true || x > 0) && (options.logY !== true || y > 0);
  const series = options.series.map((s) => ({
    name: s.name,
    points: s.points.filter(([x, y]) => usable(x, y)).sort((a, b) => a[0] - b[0]),
  }));
  const all = series.flatMap((s) => s.points);
  return frame(options.title, series.map((s) => s.name), (top, bottom) => {
    const xs = axisFor(all.map(([x]) => x), options.logX === true, false, LEFT, WIDTH - RIGHT);
    const ys = axisFor(all.map(([, y]) => y), options.logY === true, true, bottom, top);
    const parts = [yAxis(ys, options.yLabel, top, bottom)];
    for (const tick of xs.ticks) {
      const x = num(xs.at(tick));
      parts.push(`<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}" stroke="#333"/><text x="${x}" y="${bottom + 18}" text-anchor="middle">${formatTick(tick)}</text>`);
    }
    parts.push(`<text x="${num((LEFT + WIDTH - RIGHT) / 2)}" y="${HEIGHT - 12}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
    series.forEach((s, i) => {
      const colour = colourOf(i);
      const coords = s.points.map(([x, y]) => [num(xs.at(x)), num(ys.at(y))] as const);
      parts.push(`<g><title>${escapeXml(s.name)}</title>`);
      if (coords.length > 1) {
        const line = coords.map(([x, y]) => `${x},${y}`).join(' ');
        parts.push(`<polyline points="${line}" fill="none" stroke="${colour}" stroke-width="2"/>`);
      }
      for (const [x, y] of coords) parts.push(`<circle cx="${x}" cy="${y}" r="3" fill="${colour}"/>`);
      parts.push('</g>');
    });
    return parts.join('\n');
  });
}

/** A grouped bar chart: one cluster per group, bars coloured by name, values above bars. */
export function barChart(options: BarChartOptions): string {
  const names = [...new Set(options.groups.flatMap((g) => g.bars.map((b) => b.name)))];
  const values = options.groups.flatMap((g) => g.bars.map((b) => b.value)).filter(Number.isFinite);
  return frame(options.title, names, (top, bottom) => {
    const ys = axisFor(values, false, true, bottom, top);
    const parts = [yAxis(ys, options.yLabel, top, bottom)];
    const band = (WIDTH - RIGHT - LEFT) / Math.max(1, options.groups.length);
    options.groups.forEach((group, g) => {
      const x0 = LEFT + g * band;
      const barWidth = (band * 0.8) / Math.max(1, group.bars.length);
      parts.push(`<text x="${num(x0 + band / 2)}" y="${bottom + 18}" text-anchor="middle">${escapeXml(group.label)}</text>`);
      group.bars.forEach((bar, b) => {
        if (!Number.isFinite(bar.value)) return;
        const x = x0 + band * 0.1 + b * barWidth;
        const y0 = ys.at(0);
        const y1 = ys.at(bar.value);
        parts.push(
          `<rect x="${num(x)}" y="${num(Math.min(y0, y1))}" width="${num(barWidth * 0.92)}" height="${num(Math.abs(y0 - y1))}" fill="${colourOf(names.indexOf(bar.name))}"><title>${escapeXml(`${bar.name}: ${bar.value}`)}</title></rect>`,
        );
        // Values only where they fit above the bar without overlapping the neighbours.
        if (barWidth >= 26) {
          parts.push(`<text x="${num(x + barWidth * 0.46)}" y="${num(Math.min(y0, y1) - 4)}" text-anchor="middle" font-size="10">${formatTick(bar.value)}</text>`);
        }
      });
    });
    return parts.join('\n');
  });
}
