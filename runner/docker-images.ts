// Builds docker mode's images from this machine's files, since no registry is
// reachable: `etcd-chaos/etcd-ts:local` (node, its shared libraries, dist/, the .proto
// files and the production node_modules; it also runs the etcd-chaos CLI),
// `etcd-chaos/etcd:local` (Debian's etcd and its libraries) and `etcd-chaos/toxiproxy:local`
// (the Kubernetes sidecar), each FROM scratch with the Dockerfiles in docker/. A build is skipped
// when the image's `etcd-chaos.inputs` label already holds the fingerprint (path, size,
// mtime of every input file), so calling this before every run is cheap.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { SutKind } from './node-cluster.js';

const run = promisify(execFile);

/** The repo root: the nearest folder above this file (runner/ or dist/runner/) with a package.json. */
export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(start: string): string {
  let directory = start;
  for (let depth = 0; depth < 4; depth++) {
    if (existsSync(join(directory, 'package.json'))) return directory;
    directory = resolve(directory, '..');
  }
  return resolve(start, '..');
}

/** The systems under test, and Toxiproxy for the Kubernetes sidecar. */
export type ImageKind = SutKind | 'toxiproxy';

export const imageTags: Readonly<Record<ImageKind, string>> = {
  'etcd-ts': 'etcd-chaos/etcd-ts:local',
  etcd: 'etcd-chaos/etcd:local',
  toxiproxy: 'etcd-chaos/toxiproxy:local',
};

/** The label every image, container and network docker mode makes carries. */
export const dockerLabel = 'etcd-chaos';
const inputsLabel = 'etcd-chaos.inputs';
/** Files fingerprinted per image; more means a runaway node_modules walk. */
const inputFilesMax = 50_000;
const buildTimeoutMs = 600_000;
/** Folder depth searched for native addons inside one package. */
const addonSearchDepthMax = 6;

export interface ImageBuildOptions {
  /** Default: `node` as this process runs it. */
  readonly nodeBinary?: string;
  /** Default: /usr/bin/etcd. */
  readonly etcdBinary?: string;
  /** Default: toxiproxy-server in /usr/local/bin. */
  readonly toxiproxyBinary?: string;
  /** Build even when the fingerprint matches. Default false. */
  readonly force?: boolean;
}

export type ImageBuildOutcome = { readonly type: 'built' | 'up-to-date'; readonly tag: string };

/** The absolute library paths in `ldd` output (the dynamic loader included, the vDSO not). */
export function librariesInLddOutput(output: string): string[] {
  const paths = new Set<string>();
  for (const line of output.split('\n')) {
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
    const match = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (match?.[1] !== undefined) paths.add(match[1]);
  }
  return [...paths];
}

/** `ldd`'s absolute library paths for `binary`. */
export async function sharedLibrariesOf(binary: string): Promise<string[]> {
  const { stdout } = await run('ldd', [binary]).catch((error: Error) => {
    throw new Error(`ldd ${binary} failed (is it a dynamic ELF binary?): ${error.message}`);
  });
  return librariesInLddOutput(stdout);
}

/** Directories of the production dependency closure (`npm ls --omit=dev`). */
async function productionPackages(): Promise<string[]> {
  const { stdout } = await run('npm', ['ls', '--omit=dev', '--parseable', '--all'], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stdout?: string; message: string }) => {
    // npm ls exits non-zero for extraneous packages but still lists the tree.
    if (error.stdout !== undefined && error.stdout.length > 0) return { stdout: error.stdout };
    throw new Error(`npm ls --omit=dev failed: ${error.message}`);
  });
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(join(repoRoot, 'node_modules')))
    .filter((line, index, all) => all.indexOf(line) === index);
}

/** `*.node` files in a package (not in its nested node_modules, which are packages of their own). */
async function nativeAddonsUnder(directory: string, depth = 0): Promise<string[]> {
  if (depth > addonSearchDepthMax) return [];
  const found: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') {
      found.push(...(await nativeAddonsUnder(path, depth + 1)));
    }
    if (entry.isFile() && entry.name.endsWith('.node')) found.push(path);
  }
  return found;
}

/** A file placed in the image: where it comes from, where it goes under the root. */
interface Placement {
  readonly source: string;
  readonly target: string;
}

async function etcdTsPlacements(nodeBinary: string): Promise<Placement[]> {
  const node = realpathSync(nodeBinary);
  const packages = await productionPackages();
  // Native addons (the CRC32C binding) link libraries node itself does not.
  const addons = (await Promise.all(packages.map((directory) => nativeAddonsUnder(directory)))).flat();
  const libraries = [
    ...new Set((await Promise.all([node, ...addons].map((binary) => sharedLibrariesOf(binary)))).flat()),
  ];
  const distEntry = join(repoRoot, 'dist', 'server', 'main.js');
  if (!existsSync(distEntry)) throw new Error(`${distEntry} is missing: run \`npm run build\` first`);
  return [
    { source: node, target: '/usr/bin/node' },
    ...libraries.map((library) => ({ source: realpathSync(library), target: library })),
    { source: join(repoRoot, 'package.json'), target: '/app/package.json' },
    { source: join(repoRoot, 'dist'), target: '/app/dist' },
    { source: join(repoRoot, 'server', 'api', 'proto'), target: '/app/server/api/proto' },
    ...packages.map((directory) => ({
      source: directory,
      target: join('/app', directory.slice(repoRoot.length)),
    })),
  ];
}

/** A lone binary at `target` with its shared libraries. */
async function binaryPlacements(binary: string, target: string): Promise<Placement[]> {
  const source = realpathSync(binary);
  const libraries = await sharedLibrariesOf(source);
  return [
    { source, target },
    ...libraries.map((library) => ({ source: realpathSync(library), target: library })),
  ];
}

function placementsOf(kind: ImageKind, options: ImageBuildOptions): Promise<Placement[]> {
  switch (kind) {
    case 'etcd-ts':
      return etcdTsPlacements(options.nodeBinary ?? process.execPath);
    case 'etcd':
      return binaryPlacements(options.etcdBinary ?? '/usr/bin/etcd', '/usr/bin/etcd');
    case 'toxiproxy':
      return binaryPlacements(
        options.toxiproxyBinary ?? '/usr/local/bin/toxiproxy-server',
        '/usr/bin/toxiproxy-server',
      );
  }
}

/** Every regular file under `path` with size and mtime, nested packages' own node_modules skipped (listed apart). */
async function fingerprintLines(path: string, lines: string[], nested: boolean): Promise<void> {
  const stat = statSync(path);
  if (!stat.isDirectory()) {
    // Project files are hashed by content: every `npm run build` rewrites dist/ with new
    // mtimes. Installed files (node, libraries, node_modules) change only with an install.
    const isProjectFile = path.startsWith(repoRoot) && !path.includes('node_modules');
    const identity = isProjectFile
      ? createHash('sha256').update(readFileSync(path)).digest('hex')
      : `${stat.size} ${Math.floor(stat.mtimeMs)}`;
    lines.push(`${path} ${identity}`);
    if (lines.length > inputFilesMax) throw new Error(`more than ${inputFilesMax} image input files`);
    return;
  }
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (nested && entry.name === 'node_modules') continue;
    await fingerprintLines(join(path, entry.name), lines, nested);
  }
}

async function fingerprintOf(placements: readonly Placement[], dockerfile: string): Promise<string> {
  const lines: string[] = [readFileSync(dockerfile, 'utf8')];
  for (const placement of placements) {
    lines.push(`-> ${placement.target}`);
    await fingerprintLines(placement.source, lines, placement.target.includes('node_modules'));
  }
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 32);
}

async function labelOf(tag: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('docker', [
      'image',
      'inspect',
      '--format',
      `{{ index .Config.Labels "${inputsLabel}" }}`,
      tag,
    ]);
    return stdout.trim();
  } catch {
    return undefined;
  }
}

function assembleContext(placements: readonly Placement[], dockerfile: string): string {
  const context = mkdtempSync(join(tmpdir(), 'etcd-chaos-image-'));
  copyFileSync(dockerfile, join(context, 'Dockerfile'));
  for (const placement of placements) {
    const target = join(context, 'rootfs', placement.target);
    mkdirSync(dirname(target), { recursive: true });
    // Nested node_modules come as their own placements, so copying a package whole is fine.
    cpSync(placement.source, target, { recursive: true, dereference: true });
  }
  mkdirSync(join(context, 'rootfs', 'tmp'), { recursive: true });
  mkdirSync(join(context, 'rootfs', 'data'), { recursive: true });
  return context;
}

/** Builds (or finds up to date) the image for `kind`. */
export async function buildImage(
  kind: ImageKind,
  options: ImageBuildOptions = {},
): Promise<ImageBuildOutcome> {
  const tag = imageTags[kind];
  const dockerfile = join(repoRoot, 'docker', `${kind}.Dockerfile`);
  const placements = await placementsOf(kind, options);
  const fingerprint = await fingerprintOf(placements, dockerfile);
  if (options.force !== true && (await labelOf(tag)) === fingerprint) return { type: 'up-to-date', tag };
  const context = assembleContext(placements, dockerfile);
  try {
    await run(
      'docker',
      [
        'build',
        '--quiet',
        '--tag',
        tag,
        '--label',
        `${dockerLabel}=1`,
        '--label',
        `${inputsLabel}=${fingerprint}`,
        context,
      ],
      { timeout: buildTimeoutMs, maxBuffer: 16 * 1024 * 1024 },
    ).catch((error: { stderr?: string; message: string }) => {
      throw new Error(`docker build of ${tag} failed: ${error.stderr?.trim() || error.message}`);
    });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return { type: 'built', tag };
}

/** Every image, built only where an input changed. */
export async function buildImages(options: ImageBuildOptions = {}): Promise<ImageBuildOutcome[]> {
  const outcomes: ImageBuildOutcome[] = [];
  for (const kind of Object.keys(imageTags) as ImageKind[]) outcomes.push(await buildImage(kind, options));
  return outcomes;
}

// `node dist/runner/docker-images.js [--force]` builds both images and says what it did.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const startMs = Date.now();
  buildImages({ force: process.argv.includes('--force') }).then(
    (outcomes) => {
      for (const outcome of outcomes) console.log(`${outcome.tag}: ${outcome.type}`);
      console.log(`images ready in ${Date.now() - startMs} ms`);
    },
    (error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
