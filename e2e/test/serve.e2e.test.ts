import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { c2w, convert, tmp } from './helpers/bundles.js';
import { exampleImage, pythonImage } from './helpers/images.js';
import { haveChromium, launchChromium, pageResult, serve, waitForOutput, type Served } from './helpers/browser.js';
import { staticHost } from './helpers/static-host.js';

// The browser path: c2w serve on 127.0.0.1, Debian's chromium headless, the machine in a Web Worker.
describe('c2w serve in chromium', () => {
  const ok = haveChromium();
  let browser: Browser;
  let example: Served;
  let page: Page;
  beforeAll(async () => {
    if (!ok) return;
    const dir = await tmp('serve');
    example = await serve(await convert(await exampleImage(), join(dir, 'example')));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    // Ctrl-C stops it as it stops any c2w command: status 130
    if (example) expect(await example.stop()).toBe(130);
  });
  beforeEach(async () => {
    if (ok) page = await browser.newPage();
  });
  afterEach(async () => page?.close());

  it('runs the command in the URL: prints hello, shows status 0, the terminal shows it too', async () => {
    if (!ok) return;
    await page.goto(`${example.url}?arg=echo&arg=hello`);
    const r = await pageResult(page);
    expect(r.transcript).toBe('hello\n');
    expect(r.status).toMatch(/^exited with status 0\b/);
    expect(await page.locator('.xterm-rows').textContent()).toContain('hello');
    expect(r.state.firstOutputMs).toBeGreaterThan(0);
  });

  it('passes the exit status and env from the query, as docker run -e would', async () => {
    if (!ok) return;
    await page.goto(`${example.url}?arg=sh&arg=-c&arg=${encodeURIComponent('echo "$GREETING"; exit 7')}&env=GREETING=${encodeURIComponent('hi there')}`);
    const r = await pageResult(page);
    expect(r.transcript).toBe('hi there\n');
    expect(r.status).toMatch(/^exited with status 7\b/);
  });

  it('runs the command under c2w-pid1 with ?init=1, as docker run --init (ADR 0065)', async () => {
    if (!ok) return;
    await page.goto(`${example.url}?init=1&arg=sh&arg=-c&arg=${encodeURIComponent('echo "$$ $(cat /proc/1/comm)"; exit 5')}`);
    const r = await pageResult(page);
    expect(r.transcript).toBe('2 .c2w-init\n');
    expect(r.status).toMatch(/^exited with status 5\b/);
  });

  it('takes the command from the form', async () => {
    if (!ok) return;
    await page.goto(example.url);
    await page.fill('input[name=args]', `sh -c 'echo "form $A"'`);
    await page.fill('input[name=env]', 'A=works');
    await Promise.all([page.waitForURL(/arg=sh/), page.click('button[type=submit]')]);
    expect(new URL(page.url()).searchParams.getAll('arg')).toEqual(['sh', '-c', 'echo "form $A"']);
    const r = await pageResult(page);
    expect(r.transcript).toBe('form works\n');
    // the --init box: init=1 in the URL, kept checked on the page it leads to
    expect(await page.isChecked('input[name=init]')).toBe(false);
    await page.fill('input[name=args]', 'cat /proc/1/comm');
    await page.check('input[name=init]');
    await Promise.all([page.waitForURL(/init=1/), page.click('button[type=submit]')]);
    expect((await pageResult(page)).transcript).toBe('.c2w-init\n');
    expect(await page.isChecked('input[name=init]')).toBe(true);
  });

  it('sends typed lines to a shell and shows its exit status', async () => {
    if (!ok) return;
    await page.goto(`${example.url}?arg=sh`);
    await page.locator('#terminal').click();
    await page.keyboard.type('echo typed-$((6*7))');
    await page.keyboard.press('Enter');
    await waitForOutput(page, 'typed-42');
    await page.keyboard.type('exit 3');
    await page.keyboard.press('Enter');
    const r = await pageResult(page);
    expect(r.transcript).toContain('typed-42\n');
    expect(r.status).toMatch(/^exited with status 3\b/);
    // what was typed shows through the container's pty: its echo of keys typed ahead, then the
    // shell's line editor redrawing them; never a third copy from the page's own line discipline
    // (keys typed before the worker tells the run's mode wait for it)
    const screen = await page.locator('.xterm-rows').textContent();
    const copies = (screen ?? '').split('echo typed-$((6*7))').length - 1;
    expect(copies).toBeGreaterThanOrEqual(1);
    expect(copies).toBeLessThanOrEqual(2);
  });

  it('sends Ctrl-C to the container\'s pty, which interrupts the foreground process (SIGINT)', async () => {
    if (!ok) return;
    await page.goto(`${example.url}?arg=sh&arg=-c&arg=${encodeURIComponent('echo ready; sleep 60; echo not-reached')}`);
    await waitForOutput(page, 'ready');
    await page.locator('#terminal').click();
    await page.keyboard.press('Control+C');
    const r = await pageResult(page);
    expect(r.transcript).not.toContain('not-reached');
    expect(r.status).toMatch(/^exited with status 130\b/);
  });

  it('gives the container a pty of the terminal\'s size, and a resize of the page resizes it (SIGWINCH)', async () => {
    if (!ok) return;
    await page.setViewportSize({ width: 1000, height: 700 });
    const script = 'tty; stty size; trap \'stty size; exit 7\' WINCH; echo ready; while :; do sleep 0.2; done';
    await page.goto(`${example.url}?arg=sh&arg=-c&arg=${encodeURIComponent(script)}`);
    await waitForOutput(page, 'ready');
    const first = await page.evaluate(() => (window as unknown as { c2w: { size: { rows: number; cols: number } } }).c2w.size);
    await page.setViewportSize({ width: 600, height: 400 });
    const r = await pageResult(page);
    const second = r.state.size;
    expect(second).not.toEqual(first);
    expect(r.transcript.split('\n').filter(Boolean)).toEqual(['/dev/pts/0', `${first.rows} ${first.cols}`, 'ready', `${second.rows} ${second.cols}`]);
    expect(r.status).toMatch(/^exited with status 7\b/);
  });

  it('reads a small part of root.erofs, by ranges, and the other parts once', async () => {
    if (!ok) return;
    const before = example.served('root.erofs');
    await page.goto(`${example.url}?arg=true`);
    const r = await pageResult(page);
    expect(r.status).toMatch(/^exited with status 0\b/);
    const after = example.served('root.erofs');
    const fetched = after.served - before.served;
    expect(fetched).toBe(r.state.traffic['root.erofs']);
    // the guest's init, busybox and runc: about a quarter of this root disk (the page reports the same)
    expect(fetched / after.size).toBeLessThan(0.35);
    expect(example.log()).toMatch(/c2w serve: Image 200 bytes 0-\d+: /);
  });

  it('keeps the fetched parts across a reload (the browser\'s HTTP cache, versioned URLs)', async () => {
    if (!ok) return;
    const context = await browser.newContext();
    try {
      const start = example.served('root.erofs').served;
      const first = await context.newPage();
      await first.goto(`${example.url}?arg=true`);
      expect((await pageResult(first)).status).toMatch(/^exited with status 0\b/);
      const before = example.served('root.erofs').served;
      expect(before - start).toBeGreaterThan(1 << 20);
      const second = await context.newPage();
      await second.goto(`${example.url}?arg=echo&arg=again`);
      const r = await pageResult(second);
      expect(r.transcript).toBe('again\n');
      // the same boot reads the same blocks; another readahead order may want a few more
      expect(example.served('root.erofs').served - before).toBeLessThan(0.05 * (before - start));
    } finally {
      await context.close();
    }
  });
});

describe('c2w serve --cross-origin-isolated in chromium', () => {
  const ok = haveChromium();
  it('takes typed input and resizes through SharedArrayBuffers with ?input=sab', async () => {
    if (!ok) return;
    const dir = await tmp('serve-sab');
    const served = await serve(await convert(await exampleImage(), join(dir, 'example')), ['--cross-origin-isolated']);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.setViewportSize({ width: 1000, height: 700 });
      // a non-interactive sh: it stays in the pty's foreground process group, so it gets SIGWINCH
      const script = 'read -r n; echo "ring-$((n*7))"; trap \'stty size; exit 5\' WINCH; while :; do sleep 0.2; done';
      await page.goto(`${served.url}?arg=sh&arg=-c&arg=${encodeURIComponent(script)}&input=sab`);
      expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
      await page.locator('#terminal').click();
      await page.keyboard.type('6');
      await page.keyboard.press('Enter');
      await waitForOutput(page, 'ring-42');
      // the worker blocks in Atomics.wait: the new size reaches it through the WinsizeCell
      await page.setViewportSize({ width: 600, height: 400 });
      const r = await pageResult(page);
      // the pty echoes what was typed
      expect(r.transcript).toBe(`6\nring-42\n${r.state.size.rows} ${r.state.size.cols}\n`);
      expect(r.status).toMatch(/^exited with status 5\b/);
      expect(await page.evaluate(() => (window as unknown as { c2w: { input: string } }).c2w.input)).toBe('sab');
    } finally {
      await browser.close();
      await served.stop();
    }
  });
});

describe('c2w serve in chromium: a python3 image', () => {
  const ok = haveChromium();
  it('runs python3 -c and reads a small part of its root disk', async () => {
    if (!ok) return;
    const dir = await tmp('serve-py');
    const served = await serve(await convert(await pythonImage(), join(dir, 'python')));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${served.url}?arg=python3&arg=-c&arg=${encodeURIComponent('print(6*7)')}`);
      const r = await pageResult(page);
      expect(r.transcript).toBe('42\n');
      expect(r.status).toMatch(/^exited with status 0\b/);
      const iso = served.served('root.erofs');
      expect(iso.served / iso.size).toBeLessThan(0.3);
    } finally {
      await browser.close();
      await served.stop();
    }
  });
});

describe('c2w convert --format web: a static directory in chromium', () => {
  const ok = haveChromium();
  it('runs from a plain static host, the run channel written by the page', async () => {
    if (!ok) return;
    const dir = await tmp('web');
    const site = join(dir, 'site');
    const r = await c2w(['convert', '--format', 'web', `oci:${await exampleImage()}:latest`, site]);
    expect([r.exitCode, r.stderr]).toEqual([0, expect.stringContaining(`wrote ${site}`)]);
    expect(readdirSync(dir)).toEqual(['site']); // the temporary bundle is gone
    const host = await staticHost(site);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${host.url}?arg=sh&arg=-c&arg=${encodeURIComponent('echo static-$((6*7)); exit 4')}`);
      const run = await pageResult(page);
      expect(run.transcript).toBe('static-42\n');
      expect(run.status).toMatch(/^exited with status 4\b/);
      expect(run.state.traffic['root.erofs']! / run.state.sizes['root.erofs']!).toBeLessThan(0.35);
      // docker's --init, the mount and the args written by the page (run-request.json's withInit)
      await page.goto(`${host.url}?init=1&arg=sh&arg=-c&arg=${encodeURIComponent('echo "$$ $(cat /proc/1/comm)"')}`);
      const init = await pageResult(page);
      expect(init.transcript).toBe('2 .c2w-init\n');
      expect(init.status).toMatch(/^exited with status 0\b/);
    } finally {
      await browser.close();
      await host.close();
    }
  });
});
