import type { CommandIO } from './command.js';

/** A one-line progress bar on stderr, only when it is a terminal (CI logs stay clean). */
export class ProgressLine {
  private done = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly io: CommandIO,
    private readonly total: number,
    private readonly label: string,
  ) {
    this.enabled = io.isTTY && (io.stderr as NodeJS.WriteStream).isTTY === true && total > 1;
  }

  advance(item: string): void {
    this.done++;
    if (!this.enabled) return;
    const width = 30;
    const filled = Math.round((this.done / this.total) * width);
    this.io.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} ${this.label} ${item.slice(0, 30)}\u001b[K`);
  }

  clear(): void {
    if (this.enabled) this.io.stderr.write('\r\u001b[K');
  }
}
