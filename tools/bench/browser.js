#!/usr/bin/env node
// The browser path (issue 16): time to first output in Debian's chromium (headless, driven by
// playwright-core) against `c2w serve` on 127.0.0.1, and the bytes of the root disk (root.erofs, or root.iso) the page fetched,
// next to the same commands under Node (`c2w run`, time to first stdout byte) in the same run.
// Also a busy guest loop, to price JSPI's turns on the event loop. Median of REPEAT runs, each
// page in a fresh browser context (no HTTP cache). Writes docs/bench/browser.md and the
// screenshot docs/browser.png (a shell session typed into the page).
/* global document, window -- inside page.evaluate and waitForFunction, which run in the page */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeBenchDoc } from './_doc.js';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPEAT = 5;
const CHROMIUM = process.env.C2W_CHROMIUM ?? '/usr/bin/chromium';
const c2wBin = join(root, 'packages/c2w/bin/run.js');
const LOOP = 'i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done; echo $i';

const IMAGES = [
  { name: 'busybox example', script: 'tools/example/build-example-image.sh', runs: [{ args: ['echo', 'hello'], expect: 'hello' }, { args: ['sh', '-c', LOOP], expect: '30000', what: 'a busy shell loop (30,000 iterations)' }] },
  { name: 'Debian python3', script: 'tools/riscv64/build-python-image.sh', runs: [{ args: ['python3', '-c', 'print(6*7)'], expect: '42' }] },
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (n) => (n / 1048576).toFixed(1);

/** `c2w run BUNDLE -- ARGS` from a cold process: seconds to the first stdout byte and to the exit. */
function nodeRun(bundle, args, expect) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const s = (t) => Number(t - t0) / 1e9;
    const child = spawn(process.execPath, [c2wBin, 'run', bundle, '--', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let first;
    let out = '';
    child.stdout.on('data', (d) => { first ??= process.hrtime.bigint(); out += d; });
    child.once('exit', (code) => {
      if (code !== 0 || !out.includes(expect)) reject(new Error(`c2w run ${args.join(' ')}: status ${code}, output ${out.slice(-200)}`));
      else resolve({ first: s(first), exit: s(process.hrtime.bigint()) });
    });
  });
}

/** A `c2w serve` process; resolves with its URL. */
async function serve(bundle) {
  // isolated, so the same server also offers the SharedArrayBuffer ring (?input=sab) for comparison
  const child = spawn(process.execPath, [c2wBin, 'serve', '--cross-origin-isolated', bundle], { stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(String(d).split('\n')[0])));
  return { url, stop: () => child.kill('SIGINT') };
}

/** One page run in a fresh context: seconds to first output and to exit (since navigation), bytes fetched. */
async function pageRun(browser, url, args, expect, extra = []) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const q = new URLSearchParams([...args.map((a) => ['arg', a]), ...extra]);
    await page.goto(`${url}?${q}`);
    await page.waitForFunction(() => ['exited', 'failed'].includes(document.getElementById('status').dataset.state), null, { timeout: 300_000 });
    const s = await page.evaluate(() => window.c2w);
    const text = await page.textContent('#transcript');
    if (s.code !== 0 || !text.includes(expect)) throw new Error(`page ${args.join(' ')}: status ${s.code}, error ${s.error}, output ${text.slice(-200)}`);
    if (s.input !== (extra.length ? 'sab' : 'jspi')) throw new Error(`page ${args.join(' ')}: input by ${s.input}, expected ${extra.length ? 'sab' : 'jspi'}`);
    // the root disk is root.erofs by default (ADR 0031), root.iso with --root-fs iso
    const disk = Object.keys(s.sizes).find((k) => k.startsWith('root.'));
    return { first: s.firstOutputMs / 1000, exit: s.exitMs / 1000, disk, iso: s.traffic[disk], isoSize: s.sizes[disk], jspi: s.jspi, runMs: s.runMs, loadMs: s.loadMs, reads: s.reads[disk] };
  } finally {
    await context.close();
  }
}

async function screenshot(browser, url, out) {
  const page = await browser.newPage({ viewport: { width: 900, height: 560 } });
  await page.goto(`${url}?arg=sh`);
  await page.locator('#terminal').click();
  // each line typed at the shell's prompt, as a person would (typed ahead, the pty echoes it early)
  const prompts = (n) => page.waitForFunction((k) => document.getElementById('transcript').textContent.split('# ').length > k, n, { timeout: 300_000 });
  for (const [i, line] of ['echo typed-$((6*7))', 'uname -sm', 'exit 3'].entries()) {
    await prompts(i + 1);
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }
  await page.waitForFunction(() => document.getElementById('status').dataset.state === 'exited', null, { timeout: 300_000 });
  await page.screenshot({ path: out });
  await page.close();
}

export async function run({ out = join(root, 'docs', 'bench', 'browser.md'), shot = join(root, 'docs', 'browser.png'), shotOnly = false } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'c2w-bench-browser-'));
  const loadBefore = loadavg()[0];
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const version = browser.version();
  const sections = [];
  try {
    for (const [i, image] of IMAGES.entries()) {
      const layout = spawnSync('bash', [join(root, image.script)], { encoding: 'utf8' }).stdout.trim().split('\n').pop();
      const bundle = join(work, `b${i}`);
      const c = spawnSync(process.execPath, [c2wBin, 'convert', `oci:${layout}:latest`, bundle], { encoding: 'utf8' });
      if (c.status !== 0) throw new Error(`convert ${layout}: ${c.stderr}`);
      const server = await serve(bundle);
      try {
        if (i === 0) await screenshot(browser, server.url, shot);
        if (shotOnly) break;
        for (const r of image.runs) {
          const node = [];
          const page = [];
          const sab = [];
          for (let k = 0; k < REPEAT; k++) {
            node.push(await nodeRun(bundle, r.args, r.expect));
            page.push(await pageRun(browser, server.url, r.args, r.expect));
            sab.push(await pageRun(browser, server.url, r.args, r.expect, [['input', 'sab']]));
          }
          const m = (runs, key) => median(runs.map((x) => x[key])).toFixed(2);
          const p = page[0];
          sections.push(`## ${image.name}: \`${r.args.join(' ')}\`${r.what ? ` (${r.what})` : ''}

| where | first output s | exit s |
|---|---:|---:|
| chromium ${version}, \`c2w serve\` page, input by JSPI (the default) | ${m(page, 'first')} | ${m(page, 'exit')} |
| the same, input by a SharedArrayBuffer ring (\`--cross-origin-isolated\`, \`?input=sab\`) | ${m(sab, 'first')} | ${m(sab, 'exit')} |
| Node ${process.versions.node}, \`c2w run\` (cold process) | ${m(node, 'first')} | ${m(node, 'exit')} |

${p.disk} fetched by the page: ${mib(median(page.map((x) => x.iso)))} MiB of ${mib(p.isoSize)} MiB (${(100 * median(page.map((x) => x.iso)) / p.isoSize).toFixed(1)} %) in ${median(page.map((x) => x.reads.requests))} range requests, which took ${median(page.map((x) => x.reads.ms)).toFixed(0)} ms.
Page phases: ${median(page.map((x) => x.loadMs)).toFixed(0)} ms from the worker's start to the machine's start (plan, machine.wasm fetched and compiled, firmware, kernel, run channel), ${median(page.map((x) => x.runMs)).toFixed(0)} ms running.
JSPI turns while the guest was busy: ${median(page.map((x) => x.jspi.yields))}, ${median(page.map((x) => x.jspi.yieldMs)).toFixed(1)} ms of ${median(page.map((x) => x.runMs)).toFixed(0)} ms running (waits for the timer or input: ${median(page.map((x) => x.jspi.waits))}).
`);
        }
      } finally {
        server.stop();
      }
    }
  } finally {
    await browser.close();
    rmSync(work, { recursive: true, force: true });
  }
  if (shotOnly) return;
  const load = `${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`;
  const md = `# The browser page (issue 16)

Median of ${REPEAT} runs on this 2-core host (1-minute load average ${load}: other jobs shared the
cores, so compare rows of one run, not runs), same run for all rows. The page: \`c2w serve\` on
127.0.0.1, chromium headless (playwright-core), a fresh browser context per run (nothing cached);
times are from navigation start, so they include fetching and compiling machine.wasm (0.4 MB),
fetching firmware and kernel (4.8 MB) and the disk reads by HTTP range. \`c2w run\` is a cold
Node process; its times are from spawn. "first output" is the first byte the container printed.

${sections.join('\n')}
A JSPI turn is what the page pays for having no SharedArrayBuffer (docs/decisions/0025-browser-jspi.md):
the busy guest yields to the event loop at most every 25 ms so typed keys get in.
`;
  writeBenchDoc(out, md);
  process.stderr.write(md);
}

// --shot-only: retake docs/browser.png alone
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run({ shotOnly: process.argv.includes('--shot-only') });
