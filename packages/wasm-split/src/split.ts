import { createHash } from 'node:crypto';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '@c2w/errors';
import { checkSegmentCount } from './budgets.js';
import { MEMORY_IMPORT, writeDataModule } from './data-module.js';
import { readLightModule } from './light-module.js';
import { DATA_IMPORT_MODULE, dataImportName, rewriteMain, type MovedSegment } from './main-module.js';
import { MANIFEST_FILE, type SplitManifest } from './manifest.js';
import { readModuleLayout } from './module-layout.js';
import { planSideModules } from './plan.js';

/**
 * Splits the wasm file `input` into `dir`/main.wasm, data-K.wasm and split.json (`dir` exists and
 * is empty: the caller makes it atomic). Every passive segment moves to a side module.
 */
export async function splitModule(input: string, dir: string, maxMiB: number, what = input): Promise<SplitManifest> {
  const file = await open(input, 'r');
  try {
    const layout = await readModuleLayout(file, what);
    checkSegmentCount(layout.segments.length);
    const plans = planSideModules(layout.segments, maxMiB);
    if (plans.length === 0) throw new InputError(`${what}: has no passive data segments, expected a module with a payload to split (vfs-embed's output, say)`);
    const moved = new Map<number, MovedSegment>();
    plans.forEach((p, k) => p.segments.forEach((s, local) => moved.set(s.index, { module: k, local })));

    const light = await readLightModule(file, layout, new Set(moved.keys()));
    // binaryen aborts the process on some invalid modules: the engine's validator speaks first.
    if (!WebAssembly.validate(new Uint8Array(light))) throw new InputError(`${what}: does not validate as a WebAssembly module (its code, types or sections are invalid)`);
    const main = rewriteMain(light, moved, plans.length, what);
    const customs: Buffer[] = [];
    for (const s of layout.sections.filter((x) => x.id === 0)) {
      const bytes = Buffer.alloc(s.end - s.start);
      await file.read(bytes, 0, bytes.length, s.start);
      if (!isNameSection(bytes, s.payloadStart - s.start)) customs.push(bytes); // c2w.vfs and others describe the whole
    }
    const mainBytes = Buffer.concat([Buffer.from(main.bytes), ...customs]);
    await writeFile(join(dir, 'main.wasm'), mainBytes);

    const data: SplitManifest['data'] = [];
    for (const [k, plan] of plans.entries()) {
      const out = await open(join(dir, plan.file), 'wx');
      try {
        const written = await writeDataModule(file, plan.segments, out);
        if (written.size !== plan.size) throw new Error(`${plan.file} is ${written.size} bytes, planned ${plan.size} (a bug in wasm-split)`);
        data.push({ file: plan.file, size: written.size, sha256: written.sha256, import: { module: DATA_IMPORT_MODULE, name: dataImportName(k) }, segments: plan.segments.length });
      } finally {
        await out.close();
      }
    }
    const manifest: SplitManifest = {
      version: 1,
      memory: { ...MEMORY_IMPORT, ...main.memory },
      main: { file: 'main.wasm', size: mainBytes.length, sha256: createHash('sha256').update(mainBytes).digest('hex') },
      data,
    };
    await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    await file.close();
  }
}

function isNameSection(section: Buffer, payloadAt: number): boolean {
  return section[payloadAt] === 4 && section.subarray(payloadAt + 1, payloadAt + 5).toString('latin1') === 'name';
}
