// The run's trace: one line per delivered message, fault, role change and apply. Lines
// feed a SHA-256 in 64 KiB chunks (one native call per chunk, not per line), so the hash
// of a whole run costs little; the last `linesKeptMax` lines stay readable for a report.

import { createHash, type Hash } from 'node:crypto';

const chunkCharsMax = 64 * 1024;

export class Trace {
  lineCount = 0;
  private readonly hash: Hash = createHash('sha256');
  private chunk = '';
  private readonly kept: string[] = [];
  private keptNext = 0;

  constructor(
    private readonly linesKeptMax: number,
    private readonly listener?: (line: string) => void,
  ) {}

  record(line: string): void {
    this.lineCount++;
    this.chunk += line + '\n';
    if (this.chunk.length >= chunkCharsMax) {
      this.hash.update(this.chunk);
      this.chunk = '';
    }
    if (this.linesKeptMax > 0) {
      this.kept[this.keptNext] = line;
      this.keptNext = (this.keptNext + 1) % this.linesKeptMax;
    }
    this.listener?.(line);
  }

  /** SHA-256 (hex) over every line recorded so far. */
  digest(): string {
    const copy = this.hash.copy();
    copy.update(this.chunk);
    return copy.digest('hex');
  }

  /** The last lines recorded, oldest first. */
  lastLines(): string[] {
    if (this.kept.length < this.linesKeptMax) return this.kept.slice();
    return [...this.kept.slice(this.keptNext), ...this.kept.slice(0, this.keptNext)];
  }
}
