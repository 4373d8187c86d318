import type { Writable } from 'node:stream';

/**
 * One line of progress on a terminal, redrawn in place: rows done, rate, elapsed time, and with a
 * known total a bar and the time left. Nothing at all when the stream is not a terminal (a pipe,
 * a file, CI logs), where a line rewritten with \r is only noise.
 */
export class Progress {
  private done = 0;
  private drawnAt = 0;
  private shown = false;
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: Writable & { isTTY?: boolean; columns?: number },
    private readonly opts: { total?: number | undefined; unit?: string; enabled?: boolean } = {},
  ) {
    // The elapsed time still moves while a slow row holds the line.
    if (this.active) this.timer = setInterval(() => this.draw(), 500).unref();
  }

  get active(): boolean {
    return this.opts.enabled !== false && Boolean(this.stream.isTTY);
  }

  /** The elapsed time so far, in seconds. */
  get seconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  tick(n = 1): void {
    this.done += n;
    if (this.active && performance.now() - this.drawnAt >= 100) this.draw();
  }

  /** A line for people, written above the progress line (which is drawn again under it). */
  note(write: () => void): void {
    this.clear();
    write();
    if (this.active) this.draw();
  }

  /** Removes the progress line for good. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.clear();
  }

  private clear(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }

  private draw(): void {
    if (!this.active) return;
    this.drawnAt = performance.now();
    const width = this.stream.columns && this.stream.columns > 0 ? this.stream.columns : 80;
    this.stream.write(`\r\x1b[K${progressLine(this.done, this.seconds, this.opts.total, width, this.opts.unit)}`);
    this.shown = true;
  }
}

/** "[######------]  512/1,000  51%  84 rows/s  ETA 6 s", or without a total "512 rows  84 rows/s  6.1 s". */
export function progressLine(done: number, seconds: number, total: number | undefined, width: number, unit = 'rows'): string {
  const rate = seconds > 0 ? done / seconds : 0;
  const speed = `${group(Math.round(rate))} ${unit}/s`;
  if (total === undefined || total <= 0) return fit(`${group(done)} ${unit}  ${speed}  ${duration(seconds)}`, width);
  const fraction = Math.min(1, done / total);
  const eta = rate > 0 ? `ETA ${duration((total - done) / rate)}` : 'ETA …';
  const tail = `  ${group(done)}/${group(total)}  ${Math.floor(fraction * 100)}%  ${speed}  ${eta}`;
  const barWidth = Math.max(0, Math.min(40, width - tail.length - 3));
  const filled = Math.round(barWidth * fraction);
  const bar = barWidth >= 5 ? `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]` : '';
  return fit(bar + tail, width);
}

/** A number with its thousands grouped: 100000 → "100,000". */
export function group(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Never wider than the terminal: a wrapped line could no longer be redrawn in place. */
function fit(line: string, width: number): string {
  return line.length < width ? line : line.slice(0, Math.max(0, width - 2)) + '…';
}
