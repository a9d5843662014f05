// The dependency rules of DESIGN.md, checked on every test run: server/raft knows
// nothing but itself and the ports it is handed, server/ nothing outside server/,
// checker/ nothing outside checker/. A forbidden import fails with the file and line.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Rule {
  folder: string;
  /** Folders (relative to the root) a file under `folder` may import from. */
  allowed: string[];
  /** Node built-ins and packages the folder may import. */
  allowedPackages: RegExp;
}

const rules: Rule[] = [
  {
    folder: 'server/raft',
    allowed: ['server/raft', 'server/ports', 'server/assert.ts', 'server/config-error.ts'],
    allowedPackages: /^$/,
  },
  { folder: 'server', allowed: ['server'], allowedPackages: /.*/ },
  { folder: 'checker', allowed: ['checker'], allowedPackages: /^(node:|@node-rs\/)/ },
  // fast-check shrinks fault schedules in the simulator's property search.
  {
    folder: 'sim',
    allowed: ['sim', 'server', 'workloads', 'nemesis'],
    allowedPackages: /^(node:|fast-check$)/,
  },
  {
    folder: 'workloads',
    allowed: [
      'workloads',
      'checker',
      'server/api',
      'server/ports',
      'server/assert.ts',
      'server/config-error.ts',
    ],
    allowedPackages: /^(node:|@grpc\/)/,
  },
];

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

function imports(file: string): { line: number; specifier: string }[] {
  const found: { line: number; specifier: string }[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      const match =
        /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/.exec(text) ??
        /^\s*import\s+['"]([^'"]+)['"]/.exec(text);
      if (match?.[1]) found.push({ line: index + 1, specifier: match[1] });
    });
  return found;
}

describe('import boundaries', () => {
  for (const rule of rules) {
    test(`${rule.folder}/ imports only what DESIGN.md allows`, () => {
      const violations: string[] = [];
      for (const file of sourceFiles(join(root, rule.folder))) {
        for (const { line, specifier } of imports(file)) {
          const where = `${relative(root, file)}:${line}`;
          if (specifier.startsWith('.')) {
            const target = relative(root, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts');
            const ok = rule.allowed.some((allowed) => target === allowed || target.startsWith(`${allowed}/`));
            if (!ok) violations.push(`${where} imports ${target}`);
          } else if (!rule.allowedPackages.test(specifier)) {
            violations.push(`${where} imports package ${specifier}`);
          }
        }
      }
      expect(violations).toEqual([]);
    });
  }
});
