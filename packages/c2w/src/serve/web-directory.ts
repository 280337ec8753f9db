import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { UsageError } from '@c2w/errors';
import { createAtomicDirectory, trackTemporary } from '@c2w/streams';
import { bootFiles, readBundle, type LoadedBundle } from '../run/read-bundle.js';
import { webAssets } from './web-assets.js';
import { partVersion, webRunPlan, type WebRunPlan } from './web-run-plan.js';
import { webRequest } from './web-request.js';

/** Disks are cut in files of this size: static hosts cap file sizes (GitHub Pages: 100 MB). */
export const DISK_CHUNK = 32 * 1024 * 1024;

/**
 * Writes a directory any static host with HTTP Range support can serve: the page and its
 * libraries, machine.wasm, firmware and kernel, each disk in DISK_CHUNK files, plan.json (the
 * machine's command line) and run-request.json (from which the page writes the run channel).
 * Appears whole or not at all.
 */
export async function writeWebDirectory(b: LoadedBundle, outDir: string, o: { replace?: boolean; chunkSize?: number } = {}): Promise<WebRunPlan> {
  const chunkSize = o.chunkSize ?? DISK_CHUNK;
  // the page reads 64 KiB blocks, and a block must not straddle two chunk files
  if (chunkSize % 65536 !== 0) throw new Error(`disk chunk size ${chunkSize} is not a multiple of 64 KiB`);
  const out = await createAtomicDirectory(outDir, 'web directory', { replace: o.replace ?? false });
  try {
    await mkdir(join(out.path, 'vendor', 'wasi-shim'), { recursive: true });
    await mkdir(join(out.path, 'bundle'));
    for (const [url, file] of webAssets()) if (url !== '/') await copyFile(file, join(out.path, url));
    const plan = webRunPlan(b, '');
    const disks = new Set(b.bundle.disks.map((d) => d.file));
    for (const name of [b.bundle.machine.wasm, ...bootFiles(b.bundle)]) await copyFile(b.path(name), join(out.path, 'bundle', name));
    plan.files = await Promise.all(plan.files.map(async (f) => {
      const name = f.guest.slice(f.guest.lastIndexOf('/') + 1);
      if (f.size === null) return { ...f, url: null, request: 'run-request.json' };
      if (!disks.has(name)) return f;
      const count = Math.max(1, Math.ceil(f.size / chunkSize));
      const urls: string[] = [];
      for (let i = 0; i < count; i++) {
        const chunk = `${name}.${String(i).padStart(3, '0')}`;
        const end = Math.min(f.size, (i + 1) * chunkSize) - 1;
        // an empty disk still gets one (empty) chunk
        if (end >= i * chunkSize) await pipeline(createReadStream(b.path(name), { start: i * chunkSize, end }), createWriteStream(join(out.path, 'bundle', chunk)));
        else await writeFile(join(out.path, 'bundle', chunk), '');
        urls.push(`bundle/${encodeURIComponent(chunk)}?v=${partVersion(b, name)}`);
      }
      return { ...f, url: null, chunks: { size: chunkSize, urls } };
    }));
    await writeFile(join(out.path, 'plan.json'), `${JSON.stringify(plan, null, 1)}\n`);
    await writeFile(join(out.path, 'run-request.json'), `${JSON.stringify(webRequest(b), null, 1)}\n`);
    await out.commit();
    return plan;
  } catch (err) {
    await out.abort();
    throw err;
  }
}

/**
 * `c2w convert --format web`: converts into a bundle beside `outDir` (a hidden temporary, removed
 * whatever happens), then writes the web directory from it. `convert` is c2w convert's own step.
 */
export async function convertToWebDirectory(outDir: string, force: boolean, convert: (bundleDir: string) => Promise<void>): Promise<void> {
  if (!force && (await stat(outDir).then(() => true, () => false))) throw new UsageError(`output ${outDir} already exists (pass --force to replace it)`);
  const bundleDir = join(dirname(resolve(outDir)), `.${basename(outDir)}.bundle-${process.pid}`);
  const forget = trackTemporary(bundleDir);
  try {
    await convert(bundleDir);
    await writeWebDirectory(await readBundle(bundleDir), outDir, { replace: force });
  } finally {
    await rm(bundleDir, { recursive: true, force: true });
    forget();
  }
}
