import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin, workspaceRoot } from '@c2w/testing';

const d = (hex: string) => `sha256:${hex.repeat(64)}`;
function bundleDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'c2w-serve-cmd-'));
  const config = JSON.stringify({ architecture: 'riscv64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
  const parts: Record<string, string> = { 'machine.wasm': 'w', 'fw_dynamic.bin': 'f', Image: 'k', 'root.iso': 'iso', 'image-config.json': config };
  for (const [n, c] of Object.entries(parts)) writeFileSync(join(dir, n), c);
  writeFileSync(join(dir, 'bundle.json'), JSON.stringify({
    schemaVersion: 1, mediaType: 'application/vnd.c2w.bundle.v1+json', machine: { wasm: 'machine.wasm', memory: '256M' },
    boot: { firmware: 'fw_dynamic.bin', kernel: 'Image', append: '' }, disks: [{ file: 'root.iso', readonly: true }],
    image: { config: 'image-config.json', manifestDigest: d('a'), architecture: 'riscv64', os: 'linux', users: {}, groups: {} },
    channel: { format: 'tar', version: 1 }, runtimePack: d('b'),
    files: Object.fromEntries(Object.entries(parts).map(([n, c]) => [n, { digest: d('c'), size: c.length }])),
  }));
  return dir;
}

describe('c2w serve', () => {
  it('prints the URL on stdout, serves the page and its bundle, and stops on Ctrl-C with 130', async () => {
    const child = spawn(process.execPath, [join(workspaceRoot, 'packages/c2w/bin/run.js'), 'serve', bundleDir()], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => { stderr += c; });
    const url = await new Promise<string>((resolve) => child.stdout.once('data', (c) => resolve(String(c))));
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\n$/);
    expect(await (await fetch(url.trim())).text()).toContain('<div id="terminal">');
    expect(await (await fetch(new URL('bundle/root.iso', url.trim()), { headers: { Range: 'bytes=1-' } })).text()).toBe('so');
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exit).toBe(130);
    expect(stderr).toBe('c2w serve: root.iso 206 bytes 1-2: 2 of 3 bytes served in 1 requests\n');
  });

  it('refuses a directory that is not a bundle (1) and a port in use (3), in one line', async () => {
    const notBundle = await runBin('c2w', ['serve', mkdtempSync(join(tmpdir(), 'c2w-empty-'))]);
    expect([notBundle.exitCode, notBundle.stderr]).toEqual([1, expect.stringMatching(/^c2w serve: .* is not a c2w bundle \(no readable bundle.json\)$/)]);
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await runBin('c2w', ['serve', '--port', String(port), bundleDir()]);
      expect([r.exitCode, r.stderr]).toEqual([3, `c2w serve: cannot listen on 127.0.0.1:${port}: EADDRINUSE`]);
    } finally {
      busy.close();
    }
  });
});
