import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { c2w, convert, tmp } from './helpers/bundles.js';
import { exampleImage } from './helpers/images.js';
import { haveChromium, launchChromium, pageResult, serve, waitForOutput } from './helpers/browser.js';
import { staticHost } from './helpers/static-host.js';

// Host files in the page: a file picked in the page appears in the container at /mnt/host, and a
// file the container writes there comes back as a download link.

// the page loads and boots at once: the guest waits for the picked file instead of racing it
const waitThen = (then: string) => `while [ ! -e /mnt/host/in.txt ]; do sleep 0.1; done; ${then}`;
const query = (script: string) => `?arg=sh&arg=-c&arg=${encodeURIComponent(script)}`;
const IN = `host bytes ${Date.now()}\nsecond line\n`;

/** The bytes behind the page's download link for `name`, read through the blob URL in the page. */
async function linkBytes(page: Page, name: string): Promise<string> {
  await page.waitForFunction((n) => (window as unknown as { c2w: { files: string[] } }).c2w.files.includes(n), name);
  // no async here: ts-jest would compile it to a helper the page does not have
  return page.evaluate((n) => {
    const a = [...document.querySelectorAll<HTMLAnchorElement>('#files a')].find((x) => x.download === n)!;
    return fetch(a.href).then((res) => res.text());
  }, name);
}

describe('host files in the page (c2w serve, chromium)', () => {
  const ok = haveChromium();
  it('shows a picked file at /mnt/host and offers what the container wrote there for download', async () => {
    if (!ok) return;
    const dir = await tmp('serve-files');
    const served = await serve(await convert(await exampleImage(), join(dir, 'example')));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${served.url}${query(waitThen('cat /mnt/host/in.txt; echo "out-$((6*7))" > /mnt/host/out.txt; ls -n /mnt/host; read x'))}`);
      await page.setInputFiles('#file-input', { name: 'in.txt', mimeType: 'text/plain', buffer: Buffer.from(IN) });
      await waitForOutput(page, 'out.txt');
      // during the run: the worker lists the directory while the guest waits for a line
      await page.click('#list-files');
      expect(await linkBytes(page, 'out.txt')).toBe('out-42\n');
      expect(await page.locator('#status').getAttribute('data-state')).toBe('running');
      await page.locator('#terminal').click();
      await page.keyboard.press('Enter');
      const r = await pageResult(page);
      expect(r.status).toMatch(/^exited with status 0\b/);
      expect(r.transcript).toMatch(new RegExp(`^${IN}`));
      // the share belongs to the container's user (root here)
      expect(r.transcript).toMatch(/ 0 +0 +7 .* out\.txt/);
      expect(await linkBytes(page, 'out.txt')).toBe('out-42\n');
      expect(await linkBytes(page, 'in.txt')).toBe(IN);
      // the link is a real download, with the file's name
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#files a[download="out.txt"]')]);
      expect(download.suggestedFilename()).toBe('out.txt');
      expect(readFileSync((await download.path())!, 'utf8')).toBe('out-42\n');
    } finally {
      await browser.close();
      await served.stop();
    }
  });
});

describe('host files in a static directory (c2w convert --format web, chromium)', () => {
  const ok = haveChromium();
  it('mounts /mnt/host there too and takes a file dropped on the terminal', async () => {
    if (!ok) return;
    const dir = await tmp('web-files');
    const site = join(dir, 'site');
    const r = await c2w(['convert', '--format', 'web', `oci:${await exampleImage()}:latest`, site]);
    expect(r.exitCode).toBe(0);
    const host = await staticHost(site);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${host.url}${query(waitThen('tr a-z A-Z < /mnt/host/in.txt > /mnt/host/upper.txt'))}`);
      // a file dropped on the terminal, as a drag from the desktop delivers it
      await page.evaluate(([name, text]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text!], name!));
        document.getElementById('terminal')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, ['in.txt', IN]);
      const run = await pageResult(page);
      expect(run.status).toMatch(/^exited with status 0\b/);
      expect(await linkBytes(page, 'upper.txt')).toBe(IN.toUpperCase());
    } finally {
      await browser.close();
      await host.close();
    }
  });
});
