// The Kubernetes manifests (deploy/k8s) through Debian's kubectl: `kubectl apply
// --dry-run=client` parses and maps every object. Client dry-run still asks an API server
// for its resource list (discovery) and, to validate, its OpenAPI schema; no cluster is
// reachable here, so the test serves discovery itself on loopback for the five kinds the
// manifests use, answers every object lookup with 404 (nothing exists yet, as on a fresh
// cluster) and turns schema validation off. What the schema would catch, the test checks
// against the objects kubectl printed: the member's flags go through etcd-ts's own flag
// parser for each pod name, the sidecar's proxies match the flags, the Job's endpoints
// are the pods' client proxies.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseServeFlags } from '../server/serve-flags.js';
import { repoRoot } from './docker-images.js';

const run = promisify(execFile);

const resources: Record<string, { kind: string; name: string; namespaced: boolean }[]> = {
  '/api/v1': [
    { kind: 'Namespace', name: 'namespaces', namespaced: false },
    { kind: 'ConfigMap', name: 'configmaps', namespaced: true },
    { kind: 'Service', name: 'services', namespaced: true },
  ],
  '/apis/apps/v1': [{ kind: 'StatefulSet', name: 'statefulsets', namespaced: true }],
  '/apis/batch/v1': [{ kind: 'Job', name: 'jobs', namespaced: true }],
};

function discovery(path: string): unknown {
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (path === '/apis') {
    const group = (name: string) => ({
      name,
      versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
      preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
    });
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: [group('apps'), group('batch')] };
  }
  const list = resources[path];
  if (list === undefined) return undefined;
  return {
    kind: 'APIResourceList',
    groupVersion: path.replace(/^\/apis?\//, ''),
    resources: list.map((resource) => ({
      name: resource.name,
      singularName: resource.kind.toLowerCase(),
      namespaced: resource.namespaced,
      kind: resource.kind,
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    })),
  };
}

let server: Server;
let directory: string;
let objects: Record<string, unknown>[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const body = discovery(path);
    response.setHeader('Content-Type', 'application/json');
    if (body === undefined) {
      response.statusCode = 404;
      response.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
        }),
      );
      return;
    }
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  directory = mkdtempSync(join(tmpdir(), 'etcd-chaos-k8s-'));
  const kubeconfig = join(directory, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'local', cluster: { server: `http://127.0.0.1:${address.port}` } }],
      contexts: [{ name: 'local', context: { cluster: 'local', user: 'nobody' } }],
      users: [{ name: 'nobody', user: {} }],
      'current-context': 'local',
    }),
  );
  const { stdout } = await run(
    'kubectl',
    [
      `--kubeconfig=${kubeconfig}`,
      `--cache-dir=${join(directory, 'cache')}`,
      'apply',
      '--dry-run=client',
      '--validate=false',
      '--output=json',
      '--filename',
      join(repoRoot, 'deploy', 'k8s'),
    ],
    { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const printed = JSON.parse(stdout) as { kind: string; items?: Record<string, unknown>[] };
  objects = printed.kind === 'List' ? (printed.items ?? []) : [printed as Record<string, unknown>];
});

afterAll(() => {
  server?.close();
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
});

// The manifests' shapes, as far as the test reads them.
interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  ports?: { containerPort: number }[];
}
interface PodSpec {
  containers: Container[];
}

function objectOf(kind: string): Record<string, unknown> {
  const found = objects.find((object) => object.kind === kind);
  if (found === undefined) throw new Error(`kubectl printed no ${kind}`);
  return found;
}

describe('deploy/k8s', () => {
  test('`kubectl apply --dry-run=client` accepts every manifest in one namespace', () => {
    expect(objects.map((object) => object.kind).sort()).toEqual([
      'ConfigMap',
      'Job',
      'Namespace',
      'Service',
      'StatefulSet',
    ]);
    for (const object of objects) {
      const metadata = object.metadata as {
        namespace?: string;
        name: string;
        labels?: Record<string, string>;
      };
      if (object.kind !== 'Namespace') expect(metadata.namespace).toBe('etcd-chaos');
      expect(metadata.labels?.['etcd-chaos']).toBe('1');
    }
  });

  test('the StatefulSet runs 3 etcd-ts members behind a headless Service, each with a Toxiproxy sidecar and a PVC', () => {
    const service = objectOf('Service').spec as { clusterIP: string; publishNotReadyAddresses: boolean };
    expect(service.clusterIP).toBe('None');
    expect(service.publishNotReadyAddresses).toBe(true);
    const spec = objectOf('StatefulSet').spec as {
      replicas: number;
      serviceName: string;
      template: { spec: PodSpec };
      volumeClaimTemplates: { metadata: { name: string } }[];
    };
    expect(spec.replicas).toBe(3);
    expect(spec.serviceName).toBe('etcd-ts');
    expect(spec.template.spec.containers.map((container) => container.name)).toEqual([
      'etcd-ts',
      'toxiproxy',
    ]);
    expect(spec.volumeClaimTemplates.map((claim) => claim.metadata.name)).toEqual(['data']);
  });

  test("each pod's etcd-ts flags parse with etcd-ts's own parser and dial every peer through the sidecar", () => {
    const spec = objectOf('StatefulSet').spec as { template: { spec: PodSpec } };
    const member = spec.template.spec.containers[0]!;
    const proxies = JSON.parse(
      ((objectOf('ConfigMap').data as Record<string, string>)['toxiproxy.json'] ?? '[]') as string,
    ) as { name: string; listen: string; upstream: string }[];
    for (let index = 0; index < 3; index++) {
      const podName = `etcd-ts-${index}`;
      const args = (member.args ?? []).map((arg) => arg.replaceAll('$(POD_NAME)', podName));
      const config = parseServeFlags(args);
      expect(config.name).toBe(podName);
      for (let peer = 0; peer < 3; peer++) {
        const member = config.members.find((candidate) => candidate.name === `etcd-ts-${peer}`)!;
        const dial = config.peerDial.get(member.id)!;
        const proxy = proxies.find((candidate) => candidate.listen === `${dial.host}:${dial.port}`);
        expect(proxy?.upstream).toBe(`etcd-ts-${peer}.etcd-ts.etcd-chaos.svc.cluster.local:2380`);
      }
    }
    expect(proxies.find((proxy) => proxy.name === 'client')).toMatchObject({
      listen: '0.0.0.0:22379',
      upstream: '127.0.0.1:2379',
    });
  });

  test("the Job runs the suite in external mode against every member's client proxy", () => {
    const job = objectOf('Job').spec as { template: { spec: PodSpec & { restartPolicy: string } } };
    expect(job.template.spec.restartPolicy).toBe('Never');
    const suite = job.template.spec.containers[0]!;
    expect(suite.command).toEqual(['/usr/bin/node', '/app/dist/runner/cli.js']);
    expect(suite.args).toContain('--mode=external');
    const endpoints = suite.args?.find((arg) => arg.startsWith('--endpoints='))?.slice('--endpoints='.length);
    expect(endpoints?.split(',')).toEqual(
      [0, 1, 2].map((index) => `etcd-ts-${index}.etcd-ts.etcd-chaos.svc.cluster.local:22379`),
    );
  });
});
