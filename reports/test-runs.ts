// Small run directories for the reports tests: a valid register run with a fault, an
// invalid one checked by the real checker (a stale read), and a hostile one whose keys
// and values are markup.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHistory } from '../checker/check.js';
import type { History } from '../checker/history.js';
import { HistoryBuilder } from '../checker/history-builder.js';
import type { RunResults } from './results.js';
import { type RunFixture, writeRunFixture } from './run-fixture.js';

const temporaryStores: string[] = [];

/** A fresh store folder under the OS temp dir; removeTemporaryStores() deletes them all. */
export function temporaryStore(): string {
  const store = mkdtempSync(join(tmpdir(), 'etcd-chaos-reports-'));
  temporaryStores.push(store);
  return store;
}

export function removeTemporaryStores(): void {
  for (const store of temporaryStores.splice(0)) rmSync(store, { recursive: true, force: true });
}

export function testConfig(name: string, seed: string): Record<string, unknown> {
  return {
    name,
    sut: { name: 'etcd-ts', version: '0.1.0' },
    workload: 'register',
    nemesis: ['partition'],
    seed,
    replayCommand: `etcd-chaos replay --seed ${seed} --workload register`,
    startTime: '2026-11-24T16:00:00Z',
  };
}

function linearizabilityResults(history: History): RunResults {
  const result = checkHistory(history, { model: 'register' });
  return {
    version: 1,
    valid: result.valid,
    checkers: [
      {
        type: 'linearizability',
        name: 'linearizable register',
        valid: result.valid,
        model: 'register',
        result,
      },
    ],
  };
}

export function validHistory(): History {
  return new HistoryBuilder()
    .invoke(0, 'write', { key: 'k1', value: 1 })
    .ok(0, 'write', { key: 'k1', value: 1 })
    .invoke('nemesis', 'start-partition', { value: 'halves' })
    .info('nemesis', 'start-partition', { value: 'halves' })
    .invoke(1, 'read', { key: 'k1' })
    .ok(1, 'read', { key: 'k1', value: 1 })
    .invoke(2, 'write', { key: 'k1', value: 2 })
    .fail(2, 'write', { key: 'k1', value: 2 })
    .invoke(0, 'write', { key: 'k1', value: 3 })
    .info(0, 'write', { key: 'k1', value: 3 })
    .invoke('nemesis', 'stop-partition')
    .info('nemesis', 'stop-partition').history;
}

/** A stale read: k1 was written 2 before the read began, and the read returned 1. */
export function invalidHistory(): History {
  return new HistoryBuilder()
    .invoke(0, 'write', { key: 'k1', value: 1 })
    .ok(0, 'write', { key: 'k1', value: 1 })
    .invoke(0, 'write', { key: 'k1', value: 2 })
    .ok(0, 'write', { key: 'k1', value: 2 })
    .invoke(1, 'read', { key: 'k1' })
    .ok(1, 'read', { key: 'k1', value: 1 }).history;
}

export function writeValidRun(directory: string): RunFixture {
  const history = validHistory();
  const fixture = {
    config: testConfig('register-valid', '42'),
    history,
    results: linearizabilityResults(history),
  };
  writeRunFixture(directory, fixture);
  return fixture;
}

export function writeInvalidRun(directory: string): RunFixture {
  const history = invalidHistory();
  const fixture = {
    config: testConfig('register-invalid', '7'),
    history,
    results: linearizabilityResults(history),
  };
  writeRunFixture(directory, fixture);
  return fixture;
}

/** Every way a page could reach outside itself: absolute URLs, and src/href not pointing inside the page. */
export function externalReferences(html: string): string[] {
  const found: string[] = [];
  for (const match of html.matchAll(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/gi)) found.push(match[0]);
  for (const match of html.matchAll(/\b(?:src|href)\s*=\s*"([^"]*)"/gi)) {
    const target = match[1]!;
    if (!target.startsWith('#') && !/^[\w./%-]+\/report\.html$/.test(target)) found.push(match[0]);
  }
  for (const match of html.matchAll(/url\((?!#)[^)]*\)/g)) found.push(match[0]);
  for (const match of html.matchAll(/@import|<link\b|<iframe\b/gi)) found.push(match[0]);
  return found;
}
