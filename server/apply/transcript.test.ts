// Transcript tests: each file in testdata/ is a list of cases, a command line, a line
// "----", and the expected output up to a blank line. The commands drive a StateMachine
// through the applier and the watch hub, so a transcript reads like an etcdctl session.
// Run with UPDATE_TRANSCRIPTS=1 to rewrite the expected output after a deliberate change.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { KeyValue, RangeRequest, SortOrder, SortTarget } from '../api/types.js';
import type { WatchDelivery } from '../mvcc/watchable-store.js';
import type { ApplyOutcome, ApplyRequest } from './apply-request.js';
import { StateMachine } from './state-machine.js';

const directory = join(import.meta.dirname, 'testdata');
const rewrite = process.env.UPDATE_TRANSCRIPTS === '1';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A key argument: `\0` stands for the single zero byte etcd uses for "from key". */
const keyBytes = (text: string): Uint8Array => (text === '\\0' ? new Uint8Array([0]) : encoder.encode(text));
const show = (bytes: Uint8Array): string =>
  bytes.length === 1 && bytes[0] === 0 ? '\\0' : decoder.decode(bytes);

function showKv(kv: KeyValue): string {
  return `${show(kv.key)}=${show(kv.value)} create=${kv.createRevision} mod=${kv.modRevision} version=${kv.version} lease=${kv.lease}`;
}

class Session {
  readonly state = new StateMachine({ clusterId: 1, memberId: 1 });
  readonly deliveries = new Map<string, WatchDelivery[]>();
  nowMs = 0;

  run(line: string): string[] {
    const [command, ...words] = line.split(/\s+/);
    const positional = words.filter((word) => !word.includes('='));
    const named = new Map(
      words.filter((word) => word.includes('=')).map((word) => word.split('=') as [string, string]),
    );
    const number = (name: string): number | undefined =>
      named.has(name) ? Number(named.get(name)) : undefined;
    const flag = (name: string): boolean => positional.includes(name);
    const args = positional.filter(
      (word) => !['prev', 'keys-only', 'count-only', 'ignore-value', 'ignore-lease'].includes(word),
    );
    switch (command) {
      case 'put':
        return this.apply({
          type: 'put',
          request: {
            key: keyBytes(args[0]!),
            value: encoder.encode(args[1] ?? ''),
            lease: number('lease') ?? 0,
            prevKv: flag('prev'),
            ignoreValue: flag('ignore-value'),
            ignoreLease: flag('ignore-lease'),
          },
        });
      case 'del':
        return this.apply({
          type: 'deleteRange',
          request: {
            key: keyBytes(args[0]!),
            rangeEnd: args[1] === undefined ? undefined : keyBytes(args[1]),
            prevKv: flag('prev'),
          },
        });
      case 'get': {
        const [sortOrder, sortTarget] = (named.get('sort') ?? 'NONE:KEY').split(':') as [
          SortOrder,
          SortTarget,
        ];
        const request: RangeRequest = {
          key: keyBytes(args[0]!),
          rangeEnd: args[1] === undefined ? undefined : keyBytes(args[1]),
          revision: number('rev'),
          limit: number('limit'),
          sortOrder,
          sortTarget,
          keysOnly: flag('keys-only'),
          countOnly: flag('count-only'),
          minModRevision: number('min-mod'),
          maxModRevision: number('max-mod'),
        };
        return this.apply({ type: 'range', request });
      }
      case 'compact':
        return this.apply({ type: 'compaction', request: { revision: Number(args[0]) } });
      case 'lease-grant':
        return this.apply({
          type: 'leaseGrant',
          request: { id: Number(args[0]), ttlSeconds: Number(args[1]) },
        });
      case 'lease-revoke':
        return this.apply({ type: 'leaseRevoke', request: { id: Number(args[0]) } });
      case 'watch': {
        const seen: WatchDelivery[] = [];
        this.deliveries.set(args[0]!, seen);
        const options = {
          key: keyBytes(args[1]!),
          rangeEnd: args[2] === undefined ? undefined : keyBytes(args[2]),
        };
        this.state.watchable.watch(
          { ...options, startRevision: number('rev'), prevKv: flag('prev') },
          (delivery) => {
            seen.push(delivery);
            return true;
          },
        );
        return [`watching ${args[0]}`];
      }
      case 'events': {
        this.state.watchable.syncUnsynced();
        const seen = this.deliveries.get(args[0]!) ?? [];
        const lines = seen.flatMap(showDelivery);
        seen.length = 0;
        return lines.length === 0 ? ['(none)'] : lines;
      }
      default:
        throw new Error(`unknown transcript command ${command}`);
    }
  }

  private apply(request: ApplyRequest): string[] {
    return showOutcome(this.state.applier.apply(request, { raftTerm: 1, nowMs: this.nowMs }));
  }
}

function showDelivery(delivery: WatchDelivery): string[] {
  if (delivery.type === 'compacted') return [`compacted compact_revision=${delivery.compactRevision}`];
  if (delivery.type === 'progress') return [`progress rev=${delivery.revision}`];
  return [
    `revision ${delivery.revision}:`,
    ...delivery.events.map((event) => {
      const previous = event.prevKv === undefined ? '' : ` (prev ${showKv(event.prevKv)})`;
      return `  ${event.type} ${showKv(event.kv)}${previous}`;
    }),
  ];
}

function showOutcome(outcome: ApplyOutcome): string[] {
  if (outcome.type === 'error') return [`error: ${outcome.error.message}`];
  const { response } = outcome;
  switch (response.type) {
    case 'range':
      return [
        ...response.response.kvs.map(showKv),
        `count=${response.response.count} more=${response.response.more} rev=${response.response.header.revision}`,
      ];
    case 'put':
      return [
        ...(response.response.prevKv === undefined ? [] : [`prev ${showKv(response.response.prevKv)}`]),
        `rev=${response.response.header.revision}`,
      ];
    case 'deleteRange':
      return [
        ...response.response.prevKvs.map((kv) => `prev ${showKv(kv)}`),
        `deleted=${response.response.deleted} rev=${response.response.header.revision}`,
      ];
    case 'leaseGrant':
      return [
        `lease ${response.response.id} ttl=${response.response.ttlSeconds} rev=${response.response.header.revision}`,
      ];
    default:
      return [`rev=${response.response.header.revision}`];
  }
}

interface Case {
  readonly command: string;
  readonly expected: string[];
}

function parse(text: string): Case[] {
  const cases: Case[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === '' || line.startsWith('#')) continue;
    if (lines[index + 1] !== '----') throw new Error(`line ${index + 2}: expected ----`);
    const expected: string[] = [];
    for (index += 2; index < lines.length && lines[index] !== ''; index++) expected.push(lines[index]!);
    cases.push({ command: line, expected });
  }
  return cases;
}

describe('transcripts', () => {
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.txt'))) {
    test(`StateMachine follows transcript ${file}`, () => {
      const path = join(directory, file);
      const cases = parse(readFileSync(path, 'utf8'));
      const session = new Session();
      const actual = cases.map((each) => ({ command: each.command, expected: session.run(each.command) }));
      if (rewrite) {
        writeFileSync(
          path,
          actual.map((each) => `${each.command}\n----\n${each.expected.join('\n')}\n`).join('\n'),
        );
        return;
      }
      for (const [index, each] of cases.entries()) {
        expect(`${each.command}\n${actual[index]!.expected.join('\n')}`).toBe(
          `${each.command}\n${each.expected.join('\n')}`,
        );
      }
    });
  }
});
