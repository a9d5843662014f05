// Proxy addresses are a pure function of the link: every directed link gets its own
// loopback address with the target's port (so real etcd can reach it through /etc/hosts),
// and member names outside n1..n9 are refused.

import { describe, expect, test } from 'vitest';
import { ConfigError } from '../server/config-error.js';
import { clientProxyAddress, memberIndexOf, peerProxyAddress } from './toxiproxy.js';

describe('proxy addresses', () => {
  test('`peerProxyAddress()` gives each directed link its own address and keeps the target port', () => {
    const names = ['n1', 'n2', 'n3', 'n4', 'n5'];
    const seen = new Set<string>();
    for (const from of names) {
      for (const to of names) {
        if (from === to) continue;
        const address = peerProxyAddress({
          from,
          to,
          listen: { host: '127.0.0.1', port: 40_000 + memberIndexOf(to) },
        });
        expect(address.port).toBe(40_000 + memberIndexOf(to));
        expect(address.host).toMatch(/^127\.79\.\d\.\d$/);
        seen.add(address.host);
      }
    }
    expect(seen.size).toBe(20);
  });

  test('`clientProxyAddress()` is per member, on the member client port', () => {
    expect(clientProxyAddress('n3', { host: '127.0.0.1', port: 2379 })).toEqual({
      host: '127.78.0.3',
      port: 2379,
    });
  });

  test.each(['n0', 'n10', 'm1', 'n'])('`memberIndexOf()` refuses %s with a ConfigError', (name) => {
    expect(() => memberIndexOf(name)).toThrow(ConfigError);
  });
});
