// checker/ stands alone (DESIGN.md): its files import only checker/ files and node built-ins.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = dirname(fileURLToPath(import.meta.url));

function sources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

test('checker/ files import nothing outside checker/ but node built-ins and test tools', () => {
  const offenders: string[] = [];
  for (const file of sources(root)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      const target = match[1]!;
      if (target.startsWith('node:')) continue;
      // rolldown bundles the partition worker script for the worker-thread tests.
      if (file.endsWith('.test.ts') && ['vitest', '@fast-check/vitest', 'rolldown'].includes(target))
        continue;
      const inside =
        target.startsWith('.') && !relative(root, resolve(dirname(file), target)).startsWith('..');
      if (!inside) offenders.push(`${relative(root, file)} imports ${target}`);
    }
  }
  expect(offenders).toEqual([]);
  expect(sources(root).length).toBeGreaterThan(10);
});
