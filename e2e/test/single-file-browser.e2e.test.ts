import { mkdir, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { convert, tmp } from './helpers/bundles.js';
import { exampleImage, pythonImage } from './helpers/images.js';
import { haveChromium, launchChromium } from './helpers/browser.js';
import { staticHost } from './helpers/static-host.js';

// The same out.wasm as single-file.e2e.test.ts on a third host: @bjorn3/browser_wasi_shim in a Web
// Worker of Debian's chromium. The harness (fixtures/wasi-browser) is the one docs/single-file.md shows.
// Each case runs on the cold module and on the pre-booted one (--snapshot, docs/decisions/0041).
interface Run { stdout: string; stderr: string; exitCode: number }
interface Request { args: string[]; env?: Record<string, string>; stdin?: string }

const require = createRequire(import.meta.url);
const shimDist = dirname(require.resolve('@bjorn3/browser_wasi_shim'));
const harness = join(import.meta.dirname, 'fixtures/wasi-browser');

describe('out.wasm on browser_wasi_shim in chromium', () => {
  const ok = haveChromium();
  let host: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  const run = (file: string, r: Request): Promise<Run> =>
    page.evaluate((req) => (window as unknown as { runWasi(q: unknown): Promise<Run> }).runWasi(req), { url: file, ...r });

  beforeAll(async () => {
    if (!ok) return;
    // the site: the harness, the shim's dist as ./shim/, and the converted modules
    const site = await tmp('wasi-browser');
    for (const f of ['index.html', 'worker.js']) await symlink(join(harness, f), join(site, f));
    await symlink(shimDist, join(site, 'shim'));
    await mkdir(join(site, 'out'));
    await convert(await exampleImage(), join(site, 'out/busybox.wasm'), ['--no-snapshot']);
    await convert(await exampleImage(), join(site, 'out/busybox-snapshot.wasm'), ['--snapshot']);
    await convert(await pythonImage(), join(site, 'out/python.wasm'));
    host = await staticHost(site);
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(host.url);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  describe.each([['cold', 'out/busybox.wasm'], ['pre-booted (--snapshot)', 'out/busybox-snapshot.wasm']])('the %s busybox module', (_kind, busybox) => {
    it('prints exactly hello\\n for echo hello', async () => {
      if (!ok) return;
      const r = await run(busybox, { args: ['echo', 'hello'] });
      expect(r.stdout).toBe('hello\n');
      expect(r.exitCode).toBe(0);
    });

    it("passes the container's exit status through", async () => {
      if (!ok) return;
      const r = await run(busybox, { args: ['sh', '-c', 'exit 7'] });
      expect(r.stdout).toBe('');
      expect(r.exitCode).toBe(7);
    });

    it("hands the shim's env and -e to the container", async () => {
      if (!ok) return;
      const r = await run(busybox, { args: ['-e', 'SECOND=two', '--', 'sh', '-c', 'echo "$FIRST $SECOND"'], env: { FIRST: 'one' } });
      expect(r.stdout).toBe('one two\n');
      expect(r.exitCode).toBe(0);
    });

    it('takes --entrypoint', async () => {
      if (!ok) return;
      const r = await run(busybox, { args: ['--entrypoint', '/bin/echo', '--', 'from', 'entrypoint'] });
      expect(r.stdout).toBe('from entrypoint\n');
      expect(r.exitCode).toBe(0);
    });

    it('feeds the stdin file to cat, which ends where the input ends', async () => {
      if (!ok) return;
      const r = await run(busybox, { args: ['cat'], stdin: 'line one\nline two\n' });
      expect(r.stdout).toBe('line one\nline two\n');
      expect(r.exitCode).toBe(0);
    });

    it("reads different /dev/urandom bytes at each run (each run's own host randomness)", async () => {
      if (!ok) return;
      const draw = () => run(busybox, { args: ['sh', '-c', 'head -c 16 /dev/urandom | od -An -tx1'] });
      const [a, b] = [await draw(), await draw()];
      expect(a.stdout).toMatch(/^( [0-9a-f]{2}){16}\n$/);
      expect(a.stdout).not.toBe(b.stdout);
    });
  });

  it('runs python3 from a Debian image', async () => {
    if (!ok) return;
    const r = await run('out/python.wasm', { args: ['python3', '-c', 'print(6*7)'] });
    expect(r.stdout).toBe('42\n');
    expect(r.exitCode).toBe(0);
  });
});
