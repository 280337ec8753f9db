import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { writeRunChannel } from '@c2w/emu-build';
import { readBundle, type LoadedBundle } from '../../src/run/read-bundle.js';
import { runRequest } from '../../src/run/run-request.js';
import { serveBundle, type BundleServer } from '../../src/serve/server.js';
import { HOST_FILES } from '../../src/serve/web-run-plan.js';

const d = (hex: string) => `sha256:${hex.repeat(64)}`;
const iso = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) & 0xff));
const config = JSON.stringify({ architecture: 'riscv64', os: 'linux', config: { Cmd: ['sh'], Env: ['PATH=/bin'] }, rootfs: { type: 'layers', diff_ids: [] } });
const parts: Record<string, Buffer> = {
  'machine.wasm': Buffer.from('wasm'), 'fw_dynamic.bin': Buffer.from('fw'), Image: Buffer.from('kernel'), 'root.iso': iso, 'image-config.json': Buffer.from(config),
};

async function bundle(): Promise<LoadedBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'c2w-serve-'));
  for (const [n, c] of Object.entries(parts)) writeFileSync(join(dir, n), c);
  writeFileSync(join(dir, 'bundle.json'), JSON.stringify({
    schemaVersion: 1, mediaType: 'application/vnd.c2w.bundle.v1+json',
    machine: { wasm: 'machine.wasm', memory: '256M' },
    boot: { firmware: 'fw_dynamic.bin', kernel: 'Image', append: 'console=ttyS0', consoleGate: true, stdinPort: true },
    disks: [{ file: 'root.iso', readonly: true }],
    image: { config: 'image-config.json', manifestDigest: d('a'), architecture: 'riscv64', os: 'linux', users: {}, groups: {} },
    channel: { format: 'tar', version: 1 }, runtimePack: d('b'),
    files: Object.fromEntries(Object.entries(parts).map(([n, c]) => [n, { digest: d('c'), size: c.length }])),
  }));
  return readBundle(dir);
}

describe('serveBundle', () => {
  let b: LoadedBundle;
  let server: BundleServer;
  const log: string[] = [];
  beforeAll(async () => {
    b = await bundle();
    server = await serveBundle(b, { log: (l) => log.push(l) });
  });
  afterAll(() => server.close());
  const get = (path: string, headers: Record<string, string> = {}) => fetch(new URL(path, server.url), { headers });

  it('listens on 127.0.0.1 on a free port by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the page, its scripts and the two libraries it loads', async () => {
    const page = await get('/');
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('page.js');
    for (const p of ['/page.js', '/worker.js', '/winsize-channel.js', '/vendor/addon-fit.mjs', '/vendor/winsize-cell.js', '/vendor/xterm.mjs', '/vendor/wasi-shim/index.js', '/vendor/wasi-shim/wasi.js']) {
      const r = await get(p);
      expect([p, r.status, r.headers.get('content-type')]).toEqual([p, 200, 'text/javascript; charset=utf-8']);
    }
    expect((await get('/vendor/xterm.css')).status).toBe(200);
    expect((await get('/nope.js')).status).toBe(404);
  });

  it('answers ranges of a bundle part with 206 and Content-Range, past the end with 416, without one whole', async () => {
    const r = await get('/bundle/root.iso', { Range: 'bytes=65536-131071' });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe(`bytes 65536-131071/${iso.length}`);
    expect(Buffer.from(await r.arrayBuffer()).equals(iso.subarray(65536, 131072))).toBe(true);
    const tail = await get('/bundle/root.iso', { Range: `bytes=${iso.length - 10}-` });
    expect(Buffer.from(await tail.arrayBuffer()).equals(iso.subarray(iso.length - 10))).toBe(true);
    const past = await get('/bundle/root.iso', { Range: `bytes=${iso.length}-` });
    expect([past.status, past.headers.get('content-range')]).toEqual([416, `bytes */${iso.length}`]);
    const whole = await get('/bundle/Image');
    expect([whole.status, await whole.text(), whole.headers.get('accept-ranges')]).toEqual([200, 'kernel', 'bytes']);
  });

  it('counts and logs the bytes served per part', async () => {
    const before = server.traffic()['root.iso']!;
    await (await get('/bundle/root.iso', { Range: 'bytes=0-999' })).arrayBuffer();
    const after = server.traffic()['root.iso']!;
    expect([after.served - before.served, after.requests - before.requests, after.size]).toEqual([1000, 1, iso.length]);
    expect(log.at(-1)).toBe(`root.iso 206 bytes 0-999: ${after.served} of ${iso.length} bytes served in ${after.requests} requests`);
  });

  it('lets the browser keep a part only under its versioned URL', async () => {
    expect((await get('/bundle/Image?v=cccccccccccccccc')).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await get('/bundle/Image?v=0000000000000000')).headers.get('cache-control')).toBe('no-cache');
    expect((await get('/bundle/Image')).headers.get('cache-control')).toBe('no-cache');
  });

  it('serves only the parts bundle.json lists', async () => {
    expect((await get('/bundle/bundle.json')).status).toBe(404);
    expect((await get('/bundle/..%2Fetc%2Fpasswd')).status).toBe(404);
  });

  it('gives the worker the machine\'s command line and where each file is', async () => {
    const plan = await (await get('/plan.json?arg=echo&arg=hi')).json();
    expect(plan.argv).toEqual(['--memory', '256M', '--bios', '/c2w/0/fw_dynamic.bin', '--kernel', '/c2w/0/Image', '--append', 'console=ttyS0',
      '--drive', '/c2w/0/root.iso,ro', '--drive', '/c2w/1/channel.tar,ro', '--share', '/c2w/share/0,tag=c2w0,uid=0,gid=0', '--quiet-firmware', '--console-gate']);
    expect(plan.hostFiles).toEqual({ guest: '/c2w/share/0', destination: '/mnt/host' });
    const v = '?v=cccccccccccccccc'; // the part's digest: the URL names the content
    expect(plan.wasm).toEqual({ url: `bundle/machine.wasm${v}`, size: 4 });
    expect(plan.files).toEqual([
      { guest: '/c2w/0/fw_dynamic.bin', url: `bundle/fw_dynamic.bin${v}`, size: 2, whole: true },
      { guest: '/c2w/0/Image', url: `bundle/Image${v}`, size: 6, whole: true },
      { guest: '/c2w/0/root.iso', url: `bundle/root.iso${v}`, size: iso.length, whole: true },
      { guest: '/c2w/1/channel.tar', url: 'channel.tar?arg=echo&arg=hi', size: null, whole: true },
    ]);
  });

  it('writes the run channel c2w run would write for the same request', async () => {
    const t0 = Math.floor(Date.now() / 1000);
    const got = Buffer.from(await (await get('/channel.tar?arg=echo&arg=hi&env=A=1')).arrayBuffer());
    const t1 = Math.floor(Date.now() / 1000);
    const expected: Buffer[] = [];
    for (let t = t0; t <= t1; t++) {
      const out = new PassThrough();
      const bytes = buffer(out);
      await writeRunChannel(runRequest(b, { args: ['echo', 'hi'], env: ['A=1'], stdin: 'tty' }, [HOST_FILES], t).manifest, out);
      out.end();
      expected.push(await bytes);
    }
    expect(expected.some((e) => e.equals(got))).toBe(true);
    expect(got.toString('latin1')).toMatch(/"args": \[\s*"echo",\s*"hi"\s*\]/);
    // the page's host files: share 0, read-write, bound at /mnt/host
    expect(got.toString('latin1')).toContain('0 c2w0 rw\n');
    expect(got.toString('latin1')).toMatch(/"destination": "\/mnt\/host",\s*"type": "bind",\s*"source": "\/run\/c2w\/mnt\/0"/);
  });

  it('sends COOP/COEP only when asked (cross-origin isolation for the SharedArrayBuffer ring)', async () => {
    expect((await get('/')).headers.get('cross-origin-opener-policy')).toBeNull();
    const isolated = await serveBundle(b, { crossOriginIsolated: true });
    try {
      const r = await fetch(new URL('/bundle/Image', isolated.url));
      expect([r.headers.get('cross-origin-opener-policy'), r.headers.get('cross-origin-embedder-policy')]).toEqual(['same-origin', 'require-corp']);
      expect((await fetch(new URL('/vendor/stdin-ring.js', isolated.url))).status).toBe(200);
    } finally {
      await isolated.close();
    }
  });

  it('refuses a malformed request with 400 and the reason', async () => {
    const r = await get('/plan.json?env=NOPE');
    expect([r.status, (await r.text()).trim()]).toEqual([400, "env parameter 'NOPE' is not KEY=VALUE"]);
  });
});
