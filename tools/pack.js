#!/usr/bin/env node
// `npm run pack`: builds every package and writes the npm tarballs users install into one folder:
// each public workspace package (`npm pack`) and the runtime pack packages @c2w/runtime-pack-riscv64
// and @c2w/runtime-pack-x86_64 made from emu-build's output (cache hits once the kernels are built),
// plus SHA256SUMS.
// usage: node tools/pack.js [--out DIR] [--runtime-pack DIR... | --no-runtime-pack] [--no-build]
//   --out DIR           default dist/npm (replaced)
//   --runtime-pack DIR  package this emu-build output instead of running emu-build (repeatable:
//                       one per machine; the machines not given are not packaged)
// The same sources give the same bytes: npm pack fixes every mtime and the order of entries.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePackage } from './runtime-pack/make-package.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const o = { out: join(root, 'dist', 'npm'), runtimePacks: [], withPack: true, build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') o.out = resolve(argv[++i] ?? '');
    else if (a === '--runtime-pack') o.runtimePacks.push(resolve(argv[++i] ?? ''));
    else if (a === '--no-runtime-pack') o.withPack = false;
    else if (a === '--no-build') o.build = false;
    else { process.stderr.write(`pack: unknown argument ${a}, expected --out DIR, --runtime-pack DIR, --no-runtime-pack or --no-build\n`); process.exit(2); }
  }
  return o;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' }, maxBuffer: 1 << 26, ...opts });
  if (r.status !== 0) throw new Error(`pack: ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  return r.stdout;
}

/** Workspace packages that are published: everything under packages/ not marked private. */
export function publicPackages() {
  return readdirSync(join(root, 'packages')).sort().map((d) => join(root, 'packages', d))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter((p) => !p.manifest.private);
}

function npmPack(dirs, out) {
  const json = run('npm', ['pack', '--json', '--pack-destination', out, ...dirs]);
  return JSON.parse(json).map((p) => p.filename.replace(/^@/, '').replace('/', '-'));
}

const o = parseArgs(process.argv.slice(2));
try {
  if (o.build) run(process.execPath, [join(root, 'node_modules/nx/bin/nx.js'), 'run-many', '-t', 'build', '--output-style=stream'], { stdio: ['ignore', 'ignore', 'inherit'] });
  rmSync(o.out, { recursive: true, force: true });
  mkdirSync(o.out, { recursive: true });
  const files = npmPack(publicPackages().map((p) => p.dir), o.out);
  if (o.withPack) {
    // the package folder is a 50 MB copy: staged in a temporary directory, never in the tree
    const stage = mkdtempSync(join(tmpdir(), 'c2w-pack-'));
    try {
      const packDirs = [...o.runtimePacks];
      if (!packDirs.length) {
        // emu-build names guests by their OCI architecture: amd64 is the x86_64 machine's pack
        for (const arch of ['riscv64', 'amd64']) {
          packDirs.push(join(stage, `pack-${arch}`));
          run(process.execPath, [join(root, 'packages/emu-build/bin/run.js'), '--arch', arch, '--out', packDirs.at(-1)], { stdio: ['ignore', 'ignore', 'inherit'] });
        }
      }
      const folders = [];
      for (const [i, dir] of packDirs.entries()) folders.push(await makePackage(dir, join(stage, `package-${i}`)));
      files.push(...npmPack(folders, o.out));
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  }
  const sums = files.sort().map((f) => `${createHash('sha256').update(readFileSync(join(o.out, f))).digest('hex')}  ${f}\n`).join('');
  writeFileSync(join(o.out, 'SHA256SUMS'), sums);
  process.stdout.write(sums);
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
}
