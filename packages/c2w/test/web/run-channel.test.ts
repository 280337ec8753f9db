import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { CONTAINER_INIT, writeRunChannel } from '@c2w/emu-build';
import { readBundle, type LoadedBundle } from '../../src/run/read-bundle.js';
import { runRequest } from '../../src/run/run-request.js';
import { runQuery } from '../../src/serve/run-query.js';
import { webRequest } from '../../src/serve/web-request.js';
import { HOST_FILES } from '../../src/serve/web-run-plan.js';
// @ts-expect-error plain browser JavaScript, no declarations
import { channelManifest, channelTar } from '../../web/run-channel.js';

const d = (hex: string) => `sha256:${hex.repeat(64)}`;
async function bundle(imageConfig: object, stdinPort = true, tty = false, containerInit: string | null = '/usr/sbin/c2w-pid1'): Promise<LoadedBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'c2w-webreq-'));
  const config = JSON.stringify({ architecture: 'riscv64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, ...imageConfig });
  const parts: Record<string, string> = { 'machine.wasm': 'w', 'fw_dynamic.bin': 'f', Image: 'k', 'root.iso': 'i', 'image-config.json': config };
  for (const [n, c] of Object.entries(parts)) writeFileSync(join(dir, n), c);
  writeFileSync(join(dir, 'bundle.json'), JSON.stringify({
    schemaVersion: 1, mediaType: 'application/vnd.c2w.bundle.v1+json', machine: { wasm: 'machine.wasm', memory: '256M' },
    boot: { firmware: 'fw_dynamic.bin', kernel: 'Image', append: '', stdinPort, tty, ...(containerInit ? { containerInit } : {}) }, disks: [{ file: 'root.iso', readonly: true }],
    image: { config: 'image-config.json', manifestDigest: d('a'), architecture: JSON.parse(config).architecture, os: 'linux', users: {}, groups: {} },
    channel: { format: 'tar', version: 1 }, runtimePack: d('b'),
    files: Object.fromEntries(Object.entries(parts).map(([n, c]) => [n, { digest: d('c'), size: Buffer.byteLength(c) }])),
  }));
  return readBundle(dir);
}

async function serverChannel(b: LoadedBundle, query: URLSearchParams, time: number): Promise<Buffer> {
  const out = new PassThrough();
  const bytes = buffer(out);
  await writeRunChannel(runRequest(b, runQuery(query), [HOST_FILES], time).manifest, out);
  out.end();
  return bytes;
}

describe('the page\'s run channel (static directories)', () => {
  const images = {
    'Cmd and Env': { config: { Cmd: ['sh'], Env: ['PATH=/bin', 'A=1'], WorkingDir: '/srv' } },
    'Entrypoint and Cmd': { config: { Entrypoint: ['/bin/busybox'], Cmd: ['echo', 'hi'] } },
    'no config': {},
    // qemu-user runs it: the container's PID 1 program goes before the command (ADR 0065)
    'arm64 Entrypoint and Cmd': { architecture: 'arm64', config: { Entrypoint: ['/bin/busybox'], Cmd: ['echo', 'hi'] } },
  };
  const queries = ['', 'arg=echo&arg=hello', 'arg=sh&arg=-c&arg=echo%20%22%24A%22%3B%20exit%207&env=A=2&env=B=x%3Dy', 'entrypoint=/bin/sh&workdir=/tmp&arg=-c&arg=pwd', 'entrypoint=/bin/true', 'env=PATH=/opt/bin&arg=ls',
    // docker's --init: c2w-pid1 first and its bind mount, for any image
    'init=1', 'init=1&arg=sh&arg=-c&arg=exit%203', 'init=0&arg=true'];
  for (const [what, image] of Object.entries(images)) {
    for (const q of queries) {
      it(`writes the bytes writeRunChannel writes: ${what}, ?${q}`, async () => {
        const b = await bundle(image);
        const query = new URLSearchParams(q);
        const hasCommand = what !== 'no config';
        if (!hasCommand && !query.has('arg') && !query.has('entrypoint')) {
          expect(() => channelManifest(webRequest(b), query, 5)).toThrow(/nothing to run/);
          return;
        }
        const manifest = channelManifest(JSON.parse(JSON.stringify(webRequest(b))), query, 1796295787);
        expect(manifest.config.process.args[0] === CONTAINER_INIT).toBe(what.startsWith('arm64') || query.get('init') === '1');
        expect(manifest.config.mounts.some((m: { destination: string }) => m.destination === CONTAINER_INIT)).toBe(manifest.config.process.args[0] === CONTAINER_INIT);
        const page = Buffer.from(channelTar(manifest));
        expect(page.equals(await serverChannel(b, query, 1796295787))).toBe(true);
      });
    }
  }

  it('leaves out c2w/stdin for a bundle whose init has no stdin port, as writeRunChannel does', async () => {
    const b = await bundle(images['Cmd and Env'], false);
    const q = new URLSearchParams('arg=true');
    expect(Buffer.from(channelTar(channelManifest(webRequest(b), q, 9))).equals(await serverChannel(b, q, 9))).toBe(true);
  });

  for (const q of ['rows=24&cols=80', 'arg=sh&rows=40&cols=132&env=A=2']) {
    it(`writes the bytes writeRunChannel writes for a pty (c2w/tty, terminal, consoleSize): ?${q}`, async () => {
      const b = await bundle(images['Cmd and Env'], true, true);
      const query = new URLSearchParams(q);
      const page = Buffer.from(channelTar(channelManifest(JSON.parse(JSON.stringify(webRequest(b))), query, 7)));
      const server = await serverChannel(b, query, 7);
      expect(page.equals(server)).toBe(true);
      const text = server.toString('latin1');
      expect(text).toContain(`${query.get('rows')} ${query.get('cols')}\n`);
      expect(text).toMatch(/"terminal": true/);
      expect(text).toMatch(new RegExp(`"consoleSize": \\{\\s*"height": ${query.get('rows')},\\s*"width": ${query.get('cols')}`));
    });
  }

  it('refuses init=1 for a bundle whose guest has no init program, as c2w serve does, and an init other than 1 or 0', async () => {
    const b = await bundle(images['Cmd and Env'], true, false, null);
    const q = new URLSearchParams('init=1');
    expect(webRequest(b).withInit).toBeUndefined();
    expect(() => channelManifest(webRequest(b), q, 1)).toThrow(/the init parameter needs a bundle whose guest has an init program/);
    await expect(serverChannel(b, q, 1)).rejects.toThrow(/--init: the bundle .* has no init program; convert the image again/);
    expect(() => channelManifest(webRequest(b), new URLSearchParams('init=yes'), 1)).toThrow("parameter 'init' is 'yes', expected 1 or 0");
    expect(() => runQuery(new URLSearchParams('init=yes'))).toThrow("parameter 'init' is 'yes', expected 1 or 0");
  });

  it('refuses user (names need the image\'s user database)', async () => {
    const b = await bundle(images['Cmd and Env']);
    expect(() => channelManifest(webRequest(b), new URLSearchParams('user=app'), 1)).toThrow(/needs c2w serve/);
  });
});
