// Global setup of `npm run test:real`: every external tool the real suites use must be
// on PATH, and the Docker engine must answer, before any test starts. A missing tool
// fails the whole run with one line that says how to install it — the real suites never
// skip silently.

import { execFileSync } from 'node:child_process';

const tools: { command: string; args: string[]; install: string }[] = [
  { command: 'etcdctl', args: ['version'], install: 'scripts/install-real.sh (Debian etcd-client)' },
  { command: 'etcd', args: ['--version'], install: 'scripts/install-real.sh (Debian etcd-server)' },
  { command: '/usr/bin/chromium', args: ['--version'], install: 'scripts/install-real.sh (Debian chromium)' },
  {
    command: 'toxiproxy-server',
    args: ['--version'],
    install: 'scripts/install-real.sh (go install of Toxiproxy v2)',
  },
  {
    command: 'unshare',
    args: ['--version'],
    install: 'Debian util-linux (real etcd behind per-link proxies runs under unshare --mount)',
  },
  {
    command: 'docker',
    args: ['info'],
    install: 'scripts/install-real.sh (Debian docker.io; it starts dockerd when no engine answers)',
  },
];

export default function setup(): void {
  const missing = tools.filter(({ command, args }) => {
    try {
      execFileSync(command, args, {
        stdio: 'ignore',
        env: { ...process.env, ETCDCTL_API: '3' },
        timeout: 10_000,
      });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new Error(
      `real suites need ${missing.map((tool) => tool.command).join(', ')}: run ${missing
        .map((tool) => tool.install)
        .join('; ')}`,
    );
  }
}
