// The fleet results as a table, targets, an ASCII chart and an SVG plot of STS requests per second.
import type { FleetConfig, FleetFigures } from "./fleet-simulation.js";

/** One design's figures, with its name; per-minute peaks replace the per-second series. */
export interface FleetRow {
  readonly name: string;
  readonly figures: Omit<FleetFigures, "callsPerSecond">;
  /** Highest STS calls in any one second of each minute of the day. */
  readonly peakPerMinute: readonly number[];
}

export function peakPerMinute(callsPerSecond: Uint32Array): number[] {
  const minutes: number[] = [];
  for (let start = 0; start < callsPerSecond.length; start += 60) {
    let peak = 0;
    for (let second = start; second < Math.min(start + 60, callsPerSecond.length); second++) peak = Math.max(peak, callsPerSecond[second]!);
    minutes.push(peak);
  }
  return minutes;
}

const format = (value: number, digits = 0) => value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

export interface FleetTarget {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

/** The targets. `defaults` is ours at its default jitter; `model` the v3 client model. */
export function fleetTargets(rows: readonly FleetRow[], config: FleetConfig): FleetTarget[] {
  const defaults = rows.find((row) => row.figures.design.kind === "ours" && row.figures.design.jitter === undefined);
  const model = rows.find((row) => row.figures.design.kind === "v3-model");
  const targets: FleetTarget[] = [];
  const minimumPerPodDay = (24 * 3_600_000) / config.credentialLifetimeMs;
  if (defaults && model) {
    const ratio = model.figures.perSecond.refreshPeak / Math.max(1, defaults.figures.perSecond.refreshPeak);
    targets.push({
      target: "our refresh peak at defaults >= 5x below the v3 model",
      measured: `${defaults.figures.perSecond.refreshPeak}/s vs ${model.figures.perSecond.refreshPeak}/s = ${ratio.toFixed(1)}x below`,
      met: ratio >= 5,
    });
  }
  if (defaults) {
    const perPodDay = defaults.figures.stsCallsPerPodDay;
    const refreshPerPodDay = defaults.figures.refreshCallsPerPodDay;
    targets.push({
      target: `STS calls per pod-day <= 1.35x the minimum (${minimumPerPodDay} for ${config.credentialLifetimeMs / 60_000}-min credentials), at defaults`,
      measured:
        `all calls ${format(perPodDay, 2)} = ${format(perPodDay / minimumPerPodDay, 2)}x; refreshes only ${format(refreshPerPodDay, 2)} = ` +
        `${format(refreshPerPodDay / minimumPerPodDay, 2)}x; all calls / this fleet's minimum (1 per credential lifetime begun, per pod) = ` +
        `${format(defaults.figures.stsCalls / defaults.figures.minimumStsCalls, 2)}x`,
      met: refreshPerPodDay <= 1.35 * minimumPerPodDay && defaults.figures.stsCalls <= 1.35 * defaults.figures.minimumStsCalls,
    });
    targets.push({
      target: `no throttling at ${config.rateLimitPerSecond} requests/s, at defaults`,
      measured: `${defaults.figures.throttledCalls} throttled calls (peak ${defaults.figures.perSecond.allPeak} calls/s)`,
      met: defaults.figures.throttledCalls === 0,
    });
  }
  return targets;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function renderFleetTable(rows: readonly FleetRow[]): string {
  return table(
    [
      "design",
      "refresh peak /s",
      "refresh p99 /s",
      "all calls peak /s",
      "all calls p99 /s",
      "throttled",
      "STS calls per pod-day",
      "refreshes per pod-day",
      "calls / fleet minimum",
      "first fetches",
      "refresh calls",
      "waited at start",
      "waited later",
      "failed requests",
    ],
    rows.map(({ name, figures }) => [
      name,
      format(figures.perSecond.refreshPeak),
      format(figures.perSecond.refreshP99),
      format(figures.perSecond.allPeak),
      format(figures.perSecond.allP99),
      format(figures.throttledCalls),
      format(figures.stsCallsPerPodDay, 2),
      format(figures.refreshCallsPerPodDay, 2),
      `${format(figures.stsCalls / figures.minimumStsCalls, 2)}x`,
      format(figures.firstFetchCalls),
      format(figures.refreshCalls),
      format(figures.waitedAtStart),
      format(figures.waitedAfterStart),
      format(figures.failedRequests),
    ]),
  );
}

/** A 24-hour chart: one column per `bucketMinutes`, the peak calls/s of the bucket as a bar. */
export function renderAsciiChart(row: FleetRow, height = 8, bucketMinutes = 15): string {
  const buckets: number[] = [];
  for (let start = 0; start < row.peakPerMinute.length; start += bucketMinutes) {
    buckets.push(Math.max(...row.peakPerMinute.slice(start, start + bucketMinutes)));
  }
  const top = Math.max(1, ...buckets);
  const lines: string[] = [];
  for (let level = height; level >= 1; level--) {
    const threshold = (level - 0.5) * (top / height);
    const label = level === height ? String(top).padStart(5) : level === 1 ? String(Math.round(top / height)).padStart(5) : "     ";
    lines.push(`${label} |${buckets.map((value) => (value >= threshold ? "#" : " ")).join("")}`);
  }
  const hours = Math.round((row.peakPerMinute.length * 1) / 60);
  const axis = Array.from({ length: buckets.length }, (_, index) => ((index * bucketMinutes) % 240 === 0 ? "|" : "-")).join("");
  const labels = Array.from({ length: Math.ceil(hours / 4) }, (_, index) => `${index * 4}h`.padEnd((240 / bucketMinutes) | 0)).join("");
  return [`${row.name}: peak STS calls per second, each column ${bucketMinutes} min`, ...lines, `      +${axis}`, `       ${labels}`].join("\n");
}

const COLORS = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#d62728", "#ff7f0e"];

/** An SVG line plot of the per-minute peak of STS calls per second, every design over the day. */
export function renderSvg(rows: readonly FleetRow[], title: string): string {
  const width = 960;
  const height = 420;
  const left = 60;
  const right = 20;
  const topMargin = 40;
  const bottom = 50;
  const plotWidth = width - left - right;
  const plotHeight = height - topMargin - bottom;
  const minutes = Math.max(...rows.map((row) => row.peakPerMinute.length));
  const top = Math.max(1, ...rows.flatMap((row) => row.peakPerMinute));
  const scaleTop = niceCeiling(top);
  const x = (minute: number) => left + (minute / Math.max(1, minutes - 1)) * plotWidth;
  const y = (value: number) => topMargin + plotHeight - (value / scaleTop) * plotHeight;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`);
  for (let index = 0; index <= 5; index++) {
    const value = (scaleTop / 5) * index;
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${format(value)}</text>`);
  }
  for (let hour = 0; hour * 60 <= minutes; hour += 2) {
    parts.push(`<text x="${x(hour * 60).toFixed(1)}" y="${height - bottom + 18}" text-anchor="middle">${hour}h</text>`);
  }
  parts.push(`<text x="${left + plotWidth / 2}" y="${height - 10}" text-anchor="middle">simulated time (peak second of each minute)</text>`);
  parts.push(`<text x="16" y="${topMargin + plotHeight / 2}" text-anchor="middle" transform="rotate(-90 16 ${topMargin + plotHeight / 2})">STS calls per second</text>`);
  rows.forEach((row, index) => {
    const color = COLORS[index % COLORS.length]!;
    const points = row.peakPerMinute.map((value, minute) => `${x(minute).toFixed(1)},${y(value).toFixed(1)}`).join(" ");
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.2" points="${points}"/>`);
    parts.push(`<rect x="${left + 10}" y="${topMargin + 6 + index * 16}" width="12" height="3" fill="${color}"/>`);
    parts.push(`<text x="${left + 28}" y="${topMargin + 11 + index * 16}">${escapeXml(row.name)}</text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
