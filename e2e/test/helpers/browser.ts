import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { requirePrerequisite, workspaceRoot } from '@c2w/testing';

/** Debian's chromium (.ci/apt-packages.txt); playwright-core drives it, it downloads no browser. */
export const CHROMIUM = process.env['C2W_CHROMIUM'] ?? '/usr/bin/chromium';
export const haveChromium = (): boolean => requirePrerequisite(`chromium at ${CHROMIUM} (apt-get install chromium)`, existsSync(CHROMIUM));

export const launchChromium = (): Promise<Browser> =>
  // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start
  chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });

/** A running `c2w serve BUNDLE`: its URL (first line of stdout) and its stderr so far. */
export interface Served {
  url: string;
  log(): string;
  /** Bytes of `file` served so far (the last log line for it). */
  served(file: string): { served: number; size: number; requests: number };
  stop(): Promise<number | null>;
}

export async function serve(bundle: string, extra: string[] = []): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [join(workspaceRoot, 'packages/c2w/bin/run.js'), 'serve', bundle, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => { err += d; });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`c2w serve exited with ${code} before printing its URL: ${err}`)));
  });
  return {
    url,
    log: () => err,
    served(file) {
      const lines = err.split('\n').filter((l) => l.startsWith(`c2w serve: ${file} `));
      const m = /: (\d+) of (\d+) bytes served in (\d+) requests$/.exec(lines.at(-1) ?? '');
      return m ? { served: Number(m[1]), size: Number(m[2]), requests: Number(m[3]) } : { served: 0, size: 0, requests: 0 };
    },
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill('SIGINT');
    }),
  };
}

/** What the page showed once the machine stopped. */
export interface PageRun {
  status: string;
  transcript: string;
  state: { firstOutputMs: number | null; exitMs: number | null; code: number | null; traffic: Record<string, number>; sizes: Record<string, number>; error: string | null; size: { rows: number; cols: number } };
}

/** Waits until the page's status says the machine stopped, and reads it. */
export async function pageResult(page: Page, timeoutMs = 240_000): Promise<PageRun> {
  await page.waitForFunction(() => ['exited', 'failed'].includes(document.getElementById('status')!.dataset['state']!), null, { timeout: timeoutMs });
  return {
    status: (await page.textContent('#status'))!,
    transcript: (await page.textContent('#transcript'))!,
    state: await page.evaluate(() => (window as unknown as { c2w: PageRun['state'] }).c2w),
  };
}

/** Resolves once the container has printed `text` (the accessible transcript holds its output). */
export async function waitForOutput(page: Page, text: string, timeoutMs = 240_000): Promise<void> {
  await page.waitForFunction((t) => document.getElementById('transcript')!.textContent!.includes(t), text, { timeout: timeoutMs });
}
