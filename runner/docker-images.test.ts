import { describe, expect, test } from 'vitest';
import { imageTags, librariesInLddOutput } from './docker-images.js';

describe('librariesInLddOutput()', () => {
  test('librariesInLddOutput() keeps resolved libraries and the loader, not the vDSO', () => {
    const output = [
      '\tlinux-vdso.so.1 (0x00007ffd5a1f2000)',
      '\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f879c8ec000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f879c33e000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f879c905000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f879c33e000)',
    ].join('\n');
    expect(librariesInLddOutput(output)).toEqual([
      '/lib/x86_64-linux-gnu/libdl.so.2',
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });

  test("librariesInLddOutput() finds nothing in a static binary's answer", () => {
    expect(librariesInLddOutput('\tnot a dynamic executable\n')).toEqual([]);
  });
});

describe('imageTags', () => {
  test('imageTags names one local image per kind', () => {
    expect(imageTags).toEqual({
      'etcd-ts': 'etcd-chaos/etcd-ts:local',
      etcd: 'etcd-chaos/etcd:local',
      toxiproxy: 'etcd-chaos/toxiproxy:local',
    });
  });
});
