import { PassThrough } from 'node:stream';
import { listTar } from '@c2w/testing';
import { writeRunChannel } from '../src/run-channel.js';
import { runtimeConfig } from '../src/runtime-config.js';

async function channel(manifest: Parameters<typeof writeRunChannel>[0]): Promise<Buffer> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (c: Buffer) => parts.push(c));
  await writeRunChannel(manifest, out);
  return Buffer.concat(parts);
}

describe('writeRunChannel', () => {
  it('writes c2w/arch, c2w/time and config.json as a block-aligned tar', async () => {
    const config = runtimeConfig({ config: { Cmd: ['/bin/echo', 'x'.repeat(5000)] } });
    const tar = await channel({ schemaVersion: 1, arch: 'amd64', time: 1700000000, config });
    expect(tar.length % 512).toBe(0);
    const entries = await listTar(tar);
    expect(entries.map((e) => e.name.replace(/\/$/, ''))).toEqual(['c2w', 'c2w/arch', 'c2w/time', 'config.json']);
    expect(entries[1]!.body).toBe('amd64\n');
    expect(entries[2]!.body).toBe('1700000000\n');
    // No size cap: a long argument list travels whole.
    expect(JSON.parse(entries[3]!.body!).process.args[1]).toHaveLength(5000);
  });

  it('lists host directory shares in c2w/mounts (index tag ro|rw)', async () => {
    const config = runtimeConfig({ config: { Cmd: ['/bin/true'] } });
    const tar = await channel({ schemaVersion: 1, arch: 'riscv64', config,
      mounts: [{ tag: 'c2w0', destination: '/data', readonly: false }, { tag: 'c2w1', destination: '/cfg', readonly: true }] });
    const entries = await listTar(tar);
    expect(entries.map((e) => e.name.replace(/\/$/, ''))).toEqual(['c2w', 'c2w/arch', 'c2w/mounts', 'config.json']);
    expect(entries[2]!.body).toBe('0 c2w0 rw\n1 c2w1 ro\n');
  });

  it('writes c2w/stdin when the host says where stdin comes from', async () => {
    const config = runtimeConfig({ config: { Cmd: ['/bin/cat'] } });
    const entries = await listTar(await channel({ schemaVersion: 1, arch: 'riscv64', stdin: 'port', config }));
    expect(entries.map((e) => e.name.replace(/\/$/, ''))).toEqual(['c2w', 'c2w/arch', 'c2w/stdin', 'config.json']);
    expect(entries[2]!.body).toBe('port\n');
  });

  it('writes c2w/net when the machine has a network', async () => {
    const config = runtimeConfig({ config: { Cmd: ['/bin/true'] } });
    const entries = await listTar(await channel({ schemaVersion: 1, arch: 'riscv64', stdin: 'tty', net: true, config }));
    expect(entries.map((e) => e.name.replace(/\/$/, ''))).toEqual(['c2w', 'c2w/arch', 'c2w/stdin', 'c2w/net', 'config.json']);
    expect(entries[3]!.body).toBe('dhcp\n');
    const without = await listTar(await channel({ schemaVersion: 1, arch: 'riscv64', net: false, config }));
    expect(without.map((e) => e.name)).not.toContain('c2w/net');
  });

  it('refuses an invalid manifest', async () => {
    await expect(channel({ schemaVersion: 1, arch: 'riscv64', config: { ociVersion: '1', process: { args: [], cwd: '/', user: { uid: 0, gid: 0 } }, root: { path: 'rootfs' } } } as never))
      .rejects.toThrow(/run manifest is invalid: config.process.args/);
  });
});
