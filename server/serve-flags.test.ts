import { describe, expect, test } from 'vitest';
import { ConfigError } from './config-error.js';
import { memberIdOf } from './node/member-id.js';
import { parseServeFlags } from './serve-flags.js';

const cluster = 'n1=http://127.0.0.1:12380,n2=http://127.0.0.2:12380,n3=http://127.0.0.3:12380';

describe('parseServeFlags()', () => {
  test('reads etcd flag names and derives the same ids on every member', () => {
    const configs = ['n1', 'n2', 'n3'].map((name, i) =>
      parseServeFlags([
        `--name=${name}`,
        `--data-dir=/tmp/${name}`,
        `--listen-client-urls=http://127.0.0.${i + 1}:12379`,
        `--listen-peer-urls=http://127.0.0.${i + 1}:12380`,
        `--initial-cluster=${cluster}`,
        '--initial-cluster-token=chaos',
      ]),
    );
    const [first] = configs;
    expect(new Set(configs.map((config) => config.clusterId)).size).toBe(1);
    expect(new Set(configs.map((config) => config.memberId)).size).toBe(3);
    expect(first?.members.map((member) => member.name)).toEqual(['n1', 'n2', 'n3']);
    expect(first?.clientListen).toEqual({ host: '127.0.0.1', port: 12379 });
    expect(first?.memberId).toBe(memberIdOf(['http://127.0.0.1:12380'], 'chaos'));
    expect(first?.memberId).toBeLessThan(2 ** 52);
  });

  test('--peer-dial-overrides routes one peer through another address', () => {
    const config = parseServeFlags([
      '--name=n1',
      `--initial-cluster=${cluster}`,
      '--peer-dial-overrides=n2=127.0.0.1:30002',
    ]);
    const n2 = config.members.find((member) => member.name === 'n2')!;
    expect(config.peerDial.get(n2.id)).toEqual({ host: '127.0.0.1', port: 30002 });
  });

  test('--initial-member-ids and --initial-cluster-id give a joining member the ids MemberAdd chose', () => {
    const config = parseServeFlags([
      '--name=n2',
      `--initial-cluster=${cluster}`,
      '--initial-cluster-state=existing',
      '--initial-cluster-id=abc',
      '--initial-member-ids=n2=1f,n3=2e',
      '--peer-dial-overrides=n1=127.0.0.1:30001,n3=127.0.0.1:30003',
    ]);
    expect(config.memberId).toBe(0x1f);
    expect(config.clusterId).toBe(0xabc);
    expect(config.members.map((member) => member.id)).toEqual([
      memberIdOf(['http://127.0.0.1:12380'], 'etcd-cluster'),
      0x1f,
      0x2e,
    ]);
    expect(config.peerDial.get(0x2e)).toEqual({ host: '127.0.0.1', port: 30003 });
    // A member added later under a new id is still dialled through its slot's proxy.
    expect(config.peerDialByUrl.get('http://127.0.0.3:12380')).toEqual({ host: '127.0.0.1', port: 30003 });
  });

  test('--unsafe-fault-control exists only when given, and only on loopback', () => {
    expect(parseServeFlags(['--name=n1']).faultControl).toBeUndefined();
    expect(parseServeFlags(['--unsafe-fault-control=127.0.0.1:4001']).faultControl).toEqual({
      host: '127.0.0.1',
      port: 4001,
    });
    expect(() => parseServeFlags(['--unsafe-fault-control=0.0.0.0:4001'])).toThrow(
      "Cannot use '--unsafe-fault-control'",
    );
  });

  test.each([
    [['--name=zz', `--initial-cluster=${cluster}`], "Cannot use '--initial-cluster'"],
    [['--heartbeat-interval=100', '--election-timeout=200'], "Cannot use '--election-timeout' = 200"],
    [['--listen-client-urls=https://127.0.0.1:1'], 'only http:// URLs'],
    [['--initial-cluster-state=maybe'], 'Cannot use \'--initial-cluster-state\' = "maybe"'],
    [['--no-such-flag'], "Cannot use 'arguments'"],
    [['--initial-cluster-id=abc'], "Cannot use '--initial-cluster-id'"],
    [
      [
        '--initial-cluster-state=existing',
        `--initial-cluster=${cluster}`,
        '--name=n1',
        '--initial-member-ids=n9=1',
      ],
      "Cannot use '--initial-member-ids'",
    ],
    [['--initial-cluster-state=existing', '--initial-cluster-id=xyz'], "Cannot use '--initial-cluster-id'"],
  ])('rejects %j with a ConfigError naming the flag', (args, message) => {
    expect(() => parseServeFlags(args)).toThrow(ConfigError);
    expect(() => parseServeFlags(args)).toThrow(message);
  });
});
