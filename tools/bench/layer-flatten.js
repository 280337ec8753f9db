#!/usr/bin/env node
// layer-flatten benchmark: a Debian bookworm image (minbase + python3, pip, venv, gcc; three gzip
// layers with whiteouts and a write through the merged-/usr symlink), built once by
// build-debian-image.sh and cached in ~/.cache/c2w/bench/. Flattens it with layer-flatten and with
// the reference `umoci unpack` + `bsdtar` (sorted, numeric owners), same input, same run; reports
// wall time, CPU, throughput and peak RSS (GNU time -v) as ratios, checks both trees are equal, and
// writes docs/bench/layer-flatten.md. Standalone (`node tools/bench/layer-flatten.js`) or run({ out }).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'c2w', 'bench');
const REPEAT = 3;

/** Runs a shell command under GNU time; wall and CPU seconds, peak RSS in MiB. */
function timedOnce(command) {
  const r = spawnSync('/usr/bin/time', ['-v', 'sh', '-c', command], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${command} failed (${r.status}): ${r.stderr}`);
  const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const cpu = ['User', 'System'].reduce((sum, k) => sum + Number(new RegExp(`${k} time \\(seconds\\): ([\\d.]+)`).exec(r.stderr)?.[1] ?? NaN), 0);
  return { seconds: wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN, cpu, rssMiB: rss ? Number(rss[1]) / 1024 : NaN };
}

const median = (runs, key) => [...runs].sort((a, b) => a[key] - b[key])[Math.floor(runs.length / 2)][key];

export async function run({ out = join(root, 'docs', 'bench', 'layer-flatten.md') } = {}) {
  const build = spawnSync('bash', [join(root, 'tools', 'bench', 'build-debian-image.sh'), cache], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building the benchmark image failed');
  const layout = join(cache, 'oci');
  const work = mkdtempSync(join(tmpdir(), 'c2w-bench-layer-flatten-'));
  try {
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
    const ref = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'bench');
    const manifest = JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', ref.digest.slice(7)), 'utf8'));
    const compressed = manifest.layers.reduce((n, l) => n + l.size, 0);

    const lfOut = join(work, 'lf.tar');
    const umociOut = join(work, 'umoci.tar');
    const bundle = join(work, 'bundle');
    const lfCmd = `node ${join(root, 'packages', 'layer-flatten', 'bin', 'run.js')} oci:${layout}:bench ${lfOut}`;
    const unpackCmd = `rm -rf ${bundle} && umoci unpack --image ${layout}:bench ${bundle} >/dev/null`;
    const tarCmd = `cd ${bundle}/rootfs && find . -mindepth 1 | LC_ALL=C sort | bsdtar --numeric-owner --no-recursion -cf ${umociOut} -T -`;
    const lf = [];
    const umoci = [];
    for (let i = 0; i < REPEAT; i++) {
      rmSync(lfOut, { force: true });
      lf.push(timedOnce(lfCmd));
      const unpack = timedOnce(unpackCmd);
      const tar = timedOnce(tarCmd);
      umoci.push({ seconds: unpack.seconds + tar.seconds, cpu: unpack.cpu + tar.cpu, rssMiB: Math.max(unpack.rssMiB, tar.rssMiB), unpack: unpack.seconds });
    }
    const uncompressed = statSync(lfOut).size;

    // Same tree? Compare normalised manifests of both tars (the testing library's fs-manifest).
    const { manifestOfTar, diffManifests } = await import(pathToFileURL(join(root, 'packages', 'testing', 'dist', 'index.js')).href);
    const { createReadStream } = await import('node:fs');
    const diff = diffManifests(await manifestOfTar(createReadStream(umociOut)), await manifestOfTar(createReadStream(lfOut)));
    const entries = (await manifestOfTar(createReadStream(lfOut))).size;

    const t = { lf: median(lf, 'seconds'), umoci: median(umoci, 'seconds') };
    const c = { lf: median(lf, 'cpu'), umoci: median(umoci, 'cpu') };
    const r = { lf: Math.max(...lf.map((x) => x.rssMiB)), umoci: Math.max(...umoci.map((x) => x.rssMiB)) };
    const mbps = (s) => (uncompressed / 1e6 / s).toFixed(0);
    const mib = (n) => (n / 1048576).toFixed(0);
    const md = `# layer-flatten benchmark

Image: Debian bookworm minbase + python3, python3-pip, python3-venv, gcc, libc6-dev (mmdebstrap), as an
OCI layout with 3 gzip layers: the root file system, a layer of whiteouts (usr/share/doc, usr/share/man,
opaque usr/share/locale) and a file written through the merged-/usr \`bin -> usr/bin\` symlink.
Built by tools/bench/build-debian-image.sh; ${mib(compressed)} MiB compressed, ${mib(uncompressed)} MiB flattened tar, ${entries} paths.

Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, shared with other jobs
(a kernel build ran in the background), so absolute times are noisy; both tools ran in the same
run, interleaved, median of ${REPEAT}.

| | wall s | CPU s | throughput (MB/s of flattened tar) | peak RSS MiB |
|---|---:|---:|---:|---:|
| layer-flatten \`oci:DIR:bench OUT.tar\` | ${t.lf.toFixed(2)} | ${c.lf.toFixed(2)} | ${mbps(t.lf)} | ${r.lf.toFixed(0)} |
| umoci unpack + bsdtar (sorted, numeric) | ${t.umoci.toFixed(2)} | ${c.umoci.toFixed(2)} | ${mbps(t.umoci)} | ${r.umoci.toFixed(0)} |
| ratio layer-flatten / umoci | **${(t.lf / t.umoci).toFixed(2)}** | ${(c.lf / c.umoci).toFixed(2)} | ${(t.umoci / t.lf).toFixed(2)}× | ${(r.lf / r.umoci).toFixed(2)} |

(umoci unpack alone: median ${median(umoci, 'unpack').toFixed(2)} s.)

Same result: ${diff === '' ? 'yes — every path has the same type, mode, owner, size, content hash, link target, hardlink group and mtime in both tars' : `NO:\n\n\`\`\`\n${diff.slice(0, 4000)}\n\`\`\``}.

Notes
- layer-flatten reads each layer once (gunzip, blob digest and diff_id checked while streaming), keeps
  only the path tree in memory and file bodies in a temporary spool file, then writes the sorted tar
  (docs/decisions/0001-flatten-order.md). Its RSS is Node's baseline plus the path tree; it does not
  grow with file sizes. umoci's RSS is small because the kernel's page cache and the file system hold
  its state; it also writes every file to disk, which is most of its time.
- Re-run: \`node tools/bench/layer-flatten.js\` (or \`npm run bench\`); the image is rebuilt only when
  ~/.cache/c2w/bench/ is empty.
`;
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, md);
    process.stderr.write(md);
    return { lf, umoci, diff };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run().catch((err) => {
    console.error(`bench layer-flatten: ${err.message}`);
    process.exit(1);
  });
}
