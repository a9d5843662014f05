// Transcript tests for the WAL (testdata/*.txt), in the style of etcd-io/raft's: each
// block is a command, a `----` line and the expected output. UPDATE_TRANSCRIPTS=1
// rewrites the expected output from what the code does now (review the diff!).
//
// Commands:
//   open [segment=BYTES] [snapshots=N]   open (or create) the node's storage on the sim disk
//   save FIRST-LAST@TERM [hs=T/V/C] [nosync]   save entries (and a hard state)
//   snapshot INDEX@TERM                  saveSnapshot
//   crash [tear=SEED]                    crash the disk (tearing unsynced bytes with SEED)
//   flip SEGMENT OFFSET BIT              flip a bit of the SEGMENT-th segment (0 = first)
//   cut SEGMENT BYTES                    cut BYTES off the end of a segment
//   ls                                   list the WAL and snapshot files

import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { SimDisk } from '../../sim/disk.js';
import { Xoshiro128 } from '../ports/random.js';
import type { Entry } from '../raft/types.js';
import { MemoryLogger, snapshot } from './test-support.js';
import { WalPersistence } from './wal-persistence.js';
import { listSegments } from './wal-reader.js';

const rewrite = process.env.UPDATE_TRANSCRIPTS === '1';
const testdata = fileURLToPath(new URL('./testdata/', import.meta.url));

interface Block {
  readonly command: string;
  readonly expected: string;
}

function parse(text: string): Block[] {
  const blocks: Block[] = [];
  for (const chunk of text.split(/\n\s*\n/)) {
    const lines = chunk.split('\n').filter((line) => !line.startsWith('#'));
    const separator = lines.indexOf('----');
    if (separator < 0) continue;
    blocks.push({
      command: lines.slice(0, separator).join('\n').trim(),
      expected: lines
        .slice(separator + 1)
        .join('\n')
        .trim(),
    });
  }
  return blocks;
}

class Session {
  private readonly disk = new SimDisk();
  private persistence: WalPersistence | undefined;

  run(command: string): string {
    const [verb, ...args] = command.split(/\s+/);
    const options = Object.fromEntries(
      args.filter((arg) => arg.includes('=')).map((arg) => arg.split('=') as [string, string]),
    );
    try {
      switch (verb) {
        case 'open':
          return this.open(options);
        case 'save':
          return this.save(args, options);
        case 'snapshot': {
          const [index, term] = args[0]!.split('@').map(Number);
          this.persistence!.saveSnapshot(snapshot(index!, term!));
          return 'ok';
        }
        case 'crash':
          this.persistence?.close();
          this.persistence = undefined;
          this.disk.crash({
            tearLastWrite: options.tear !== undefined,
            random: new Xoshiro128(Number(options.tear ?? 0)),
          });
          return 'crashed';
        case 'flip': {
          const segment = listSegments(this.disk, '/n/wal')[Number(args[0])]!;
          this.disk.flipBit(segment.path, { offset: Number(args[1]), bit: Number(args[2]) });
          return `flipped ${segment.name} offset ${args[1]} bit ${args[2]}`;
        }
        case 'cut': {
          const segment = listSegments(this.disk, '/n/wal')[Number(args[0])]!;
          const size = this.disk.read(segment.path).length;
          this.disk.truncate(segment.path, size - Number(args[1]));
          return `${segment.name}: ${size} -> ${size - Number(args[1])} bytes`;
        }
        case 'ls':
          return [
            ...this.disk.list('/n/wal').map((name) => `wal/${name}`),
            ...this.disk.list('/n/snap').map((name) => `snap/${name}`),
          ].join('\n');
        default:
          return `unknown command ${verb}`;
      }
    } catch (error) {
      return `error: ${(error as Error).name}: ${(error as Error).message}`;
    }
  }

  private open(options: Record<string, string>): string {
    const logger = new MemoryLogger();
    this.persistence = WalPersistence.open(this.disk, {
      dir: '/n',
      logger,
      metadata: { nodeId: 1, clusterId: 1 },
      ...(options.segment === undefined ? {} : { segmentBytes: Number(options.segment) }),
      ...(options.snapshots === undefined ? {} : { snapshotFilesMax: Number(options.snapshots) }),
    });
    const state = this.persistence.load();
    const { term, vote, commit } = state.hardState;
    const lines = [
      ...logger.lines,
      `snapshot ${state.snapshot?.metadata.index ?? 0} hardState ${term}/${vote}/${commit} entries ${describeEntries(state.entries)}`,
    ];
    return lines.join('\n');
  }

  private save(args: string[], options: Record<string, string>): string {
    const [range, termText] = args[0]!.split('@');
    const [first, last] = range!.split('-').map(Number);
    const entries: Entry[] = [];
    for (let index = first!; index <= (last ?? first)!; index++) {
      entries.push({
        index,
        term: Number(termText),
        type: 'normal',
        data: new TextEncoder().encode(`v${index}`),
      });
    }
    const hs = options.hs?.split('/').map(Number);
    const hardState = hs === undefined ? undefined : { term: hs[0]!, vote: hs[1]!, commit: hs[2]! };
    this.persistence!.save(
      { entries, ...(hardState === undefined ? {} : { hardState }) },
      !args.includes('nosync'),
    );
    return 'ok';
  }
}

/** Entries as runs of one term: "1-3@1 4-5@2". */
function describeEntries(entries: readonly Entry[]): string {
  const runs: string[] = [];
  let start: Entry | undefined;
  let previous: Entry | undefined;
  for (const entry of [...entries, undefined]) {
    if (
      start !== undefined &&
      (entry === undefined || entry.term !== start.term || entry.index !== previous!.index + 1)
    ) {
      runs.push(
        start.index === previous!.index
          ? `${start.index}@${start.term}`
          : `${start.index}-${previous!.index}@${start.term}`,
      );
      start = undefined;
    }
    if (entry !== undefined) start ??= entry;
    previous = entry;
  }
  return runs.length === 0 ? '(none)' : runs.join(' ');
}

for (const file of fs.readdirSync(testdata).filter((name) => name.endsWith('.txt'))) {
  test(`WalPersistence transcript ${file} matches`, () => {
    const text = fs.readFileSync(`${testdata}${file}`, 'utf8');
    const session = new Session();
    const blocks = parse(text);
    expect(blocks.length).toBeGreaterThan(0);
    const actual = blocks.map((block) => ({ command: block.command, expected: session.run(block.command) }));
    if (rewrite) {
      fs.writeFileSync(
        `${testdata}${file}`,
        `${actual.map((block) => `${block.command}\n----\n${block.expected}`).join('\n\n')}\n`,
      );
      return;
    }
    for (let i = 0; i < blocks.length; i++) {
      expect(`${blocks[i]!.command}\n----\n${actual[i]!.expected}`).toBe(
        `${blocks[i]!.command}\n----\n${blocks[i]!.expected}`,
      );
    }
  });
}
