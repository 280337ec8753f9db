import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin } from '@c2w/testing';

// A valid WASI command whose _start executes `unreachable`: stands for a machine that crashes.
const TRAPPING_WASM = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
  0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x13, 0x02, 0x06, ...Buffer.from('memory'), 0x02, 0x00,
  0x06, ...Buffer.from('_start'), 0x00, 0x00, 0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b,
]);
const sha = (b: Uint8Array | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A bundle directory whose parts are placeholders, with `machine` as its machine.wasm. */
async function bundleWith(dir: string, machine: Uint8Array): Promise<void> {
  const parts: Record<string, Uint8Array | string> = {
    'machine.wasm': machine, 'fw_dynamic.bin': 'fw', Image: 'kernel', 'root.iso': 'iso',
    'image-config.json': JSON.stringify({ architecture: 'riscv64', os: 'linux', config: { Cmd: ['/bin/sh'] }, rootfs: { type: 'layers', diff_ids: [] } }),
  };
  for (const [name, bytes] of Object.entries(parts)) await writeFile(join(dir, name), bytes);
  await writeFile(join(dir, 'bundle.json'), JSON.stringify({
    schemaVersion: 1, mediaType: 'application/vnd.c2w.bundle.v1+json',
    machine: { wasm: 'machine.wasm', memory: '256M' },
    boot: { firmware: 'fw_dynamic.bin', kernel: 'Image', append: 'console=ttyS0', consoleGate: true, stdinPort: true },
    disks: [{ file: 'root.iso', readonly: true }],
    image: { config: 'image-config.json', manifestDigest: sha('manifest'), architecture: 'riscv64', os: 'linux', users: {}, groups: {} },
    channel: { format: 'tar', version: 1 },
    runtimePack: sha('pack'),
    files: Object.fromEntries(Object.entries(parts).map(([n, b]) => [n, { digest: sha(b), size: Buffer.byteLength(b) }])),
  }));
}

describe('c2w run on a machine that crashes', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'c2w-run-trap-')); });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('exits 4 (runtime failure) with one line, not 70, and leaves no run scratch behind', async () => {
    await bundleWith(dir, TRAPPING_WASM);
    const scratch = await mkdtemp(join(tmpdir(), 'c2w-run-tmp-'));
    try {
      const r = await runBin('c2w', ['run', dir, '--', 'true'], { env: { TMPDIR: scratch, C2W_STATE_HOME: join(scratch, 'state') } });
      expect(r.stderr).toBe('c2w run: the machine stopped unexpectedly: RuntimeError: unreachable');
      expect(r.exitCode).toBe(4);
      expect(r.stdout.length).toBe(0);
      expect(await readdir(scratch)).toEqual(['state']);
      expect(await readdir(join(scratch, 'state', 'scratch'))).toEqual([]); // the writable layer's disk too
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});

describe('c2w run --net / -p before the machine starts', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'c2w-run-net-'));
    await bundleWith(dir, TRAPPING_WASM);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('fails with exit 3 in one line when a published port is in use', async () => {
    const { createServer } = await import('node:net');
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    try {
      const port = (busy.address() as { port: number }).port;
      const r = await runBin('c2w', ['run', '-p', `${port}:80`, dir, '--', 'true']);
      expect(r.exitCode).toBe(3);
      expect(r.stderr).toBe(`c2w run: cannot publish port ${port} on 127.0.0.1: EADDRINUSE`);
    } finally {
      busy.close();
    }
  });

  it('refuses a fourth mount with --net (the network takes a virtio slot, the writable layer another)', async () => {
    const specs = [0, 1, 2, 3].flatMap((i) => ['-v', `${dir}:/m${i}`]);
    const r = await runBin('c2w', ['run', '--net', ...specs, dir, '--', 'true']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^c2w run: --mount: at most 3 host directories with --net/);
  });

  it('refuses --net and -p for a single .wasm in one line (WASI preview1 has no sockets)', async () => {
    for (const flags of [['--net'], ['-p', '8080:80']]) {
      const r = await runBin('c2w', ['run', ...flags, join(dir, 'machine.wasm'), '--', 'true']);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/^c2w run: --net\/-p: a single \.wasm has no network \(WASI preview1 has no sockets\)/);
      expect(r.stderr.split('\n')).toHaveLength(1);
    }
  });
});
