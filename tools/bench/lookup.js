#!/usr/bin/env node
// Path lookup in big directories (issue 18): the same content packed as ISO 9660 (iso-pack), EROFS
// (mkfs.erofs, uncompressed, the reference; and erofs-pack) and squashfs (mksquashfs, uncompressed),
// booted as the root on qemu-system-riscv64 and on our machine (wasm under Node), in the same run.
// In each boot, cold: stat of every name of a 1,000-entry directory in random order, of 2,000
// random names of a 10,000-entry directory, and `find` over 60,000 files (60 directories of 1,000,
// sage-like long names). Times from /proc/uptime in the guest (10 ms). Writes docs/bench/lookup.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeBenchDoc } from './_doc.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const EPOCH = '1700000000';
const SAMPLE_10K = 2000;
const RUN_REPEAT = Number(process.env['LOOKUP_RUN_REPEAT'] ?? 1); // cold c2w run processes per format

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ').slice(0, 200)} failed (${r.status ?? r.signal}): ${(r.stderr ?? '').slice(-2000)}`);
  return r.stdout;
}

function artifacts() {
  const out = sh(join(root, 'tools/riscv64/artifacts.sh'), ['--env', '--offline']);
  return Object.fromEntries(out.split('\n').map((l) => /^(\w+)=(.*)$/.exec(l)).filter(Boolean).map((m) => [m[1], m[2].replace(/^'|'$/g, '')]));
}

/** Deterministic shuffle (mulberry32), so every format looks names up in the same order. */
function shuffled(items, seed) {
  const a = [...items];
  let s = seed >>> 0;
  const rnd = () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; }
  return a;
}

/** Sage-like names: a long shared prefix, differing late (as Cython build products do). */
const sage = (d, i) => `cython_debug_info_sage.geometry.polyhedron.combinatorial_polyhedron.base_${d}_${String(i).padStart(4, '0')}.${['face_iterator', 'list_of_faces', 'conversions', 'polyhedron_face_lattice'][i % 4]}.cpython-311-riscv64-linux-gnu.so`;

const GUEST = `t() { read a b < /proc/uptime; echo $a; }
echo LOOKUP-BEGIN
echo "lists $(cat /bench/d1k.list /bench/d10k.list | md5sum | cut -c1-32)"
s=$(t); n=$(stat -c %i $(cat /bench/d1k.list) 2>/dev/null | wc -l); e=$(t); echo "d1k $n $s $e"
s=$(t); n=$(stat -c %i $(cat /bench/d10k.list) 2>/dev/null | wc -l); e=$(t); echo "d10k $n $s $e"
s=$(t); n=$(find /many -type f | wc -l); e=$(t); echo "find $n $s $e"
echo LOOKUP-END
`;

function buildTree(work, initrd) {
  const tree = join(work, 'tree');
  mkdirSync(tree);
  sh('bsdtar', ['-xf', initrd, '-C', tree]);
  const mk = (dir, names) => { mkdirSync(join(tree, dir), { recursive: true }); for (const n of names) writeFileSync(join(tree, dir, n), `${n.length}\n`); };
  const d1k = Array.from({ length: 1000 }, (_, i) => sage('d1k', i));
  const d10k = Array.from({ length: 10000 }, (_, i) => sage('d10k', i));
  mk('bench/d1k', d1k);
  mk('bench/d10k', d10k);
  for (let d = 0; d < 60; d++) mk(`many/dir${String(d).padStart(2, '0')}`, Array.from({ length: 1000 }, (_, i) => sage(`m${d}`, i)));
  writeFileSync(join(tree, 'bench/d1k.list'), shuffled(d1k, 1).map((n) => `/bench/d1k/${n}\n`).join(''));
  writeFileSync(join(tree, 'bench/d10k.list'), shuffled(d10k, 2).slice(0, SAMPLE_10K).map((n) => `/bench/d10k/${n}\n`).join(''));
  writeFileSync(join(tree, 'extra.sh'), GUEST, { mode: 0o755 });
  sh('find', [tree, '-exec', 'touch', '-h', '-d', `@${EPOCH}`, '{}', '+']);
  const lists = sh('sh', ['-c', `cat '${tree}/bench/d1k.list' '${tree}/bench/d10k.list' | md5sum | cut -c1-32`]).trim();
  const tar = join(work, 'tree.tar');
  sh('bsdtar', ['-cf', tar, '--format', 'pax', '--numeric-owner', '-C', tree, '.']);
  return { tree, tar, lists };
}

function timed(cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, SOURCE_DATE_EPOCH: EPOCH } });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr.slice(-1500)}`);
  const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { seconds: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]), rssMiB: Number(rss[1]) / 1024 };
}

function images(work, { tree, tar, lists }) {
  const out = [];
  const add = (name, fstype, path, pack) => out.push({ name, fstype, path, pack, lists, mib: statSync(path).size / 1048576 });
  const iso = join(work, 'root.iso');
  add('ISO 9660 (iso-pack)', 'iso9660', iso, timed('node', [join(root, 'packages/iso-pack/bin/run.js'), tar, '-V', 'C2WROOT', '-o', iso]));
  const ref = join(work, 'ref.erofs');
  add('EROFS (mkfs.erofs, uncompressed)', 'erofs', ref, timed('mkfs.erofs', ['-T', EPOCH, ref, tree]));
  const ours = join(work, 'ours.erofs');
  add('EROFS (erofs-pack)', 'erofs', ours, timed('node', [join(root, 'packages/erofs-pack/bin/run.js'), tar, '-o', ours]));
  const sq = join(work, 'root.sqfs');
  add('squashfs (mksquashfs -noI -noD -noF -noX)', 'squashfs', sq, timed('mksquashfs', [tree, sq, '-noI', '-noD', '-noF', '-noX', '-no-progress', '-quiet'] /* times from SOURCE_DATE_EPOCH */));
  return out;
}

function boot(engine, env, image) {
  const append = `console=ttyS0 root=/dev/vda rootfstype=${image.fstype} ro init=/init`;
  const args = engine === 'qemu'
    ? ['qemu-system-riscv64', '-machine', 'virt', '-cpu', 'rv64', '-smp', '1', '-m', '256M', '-nographic', '-bios', env.C2W_FW, '-kernel', env.C2W_KERNEL,
      '-drive', `file=${image.path},format=raw,if=none,id=hd,readonly=on`, '-device', 'virtio-blk-device,drive=hd', '-append', append]
    : ['node', join(root, 'packages/machine/bin/c2w-machine-node.js'), '-m', '256M', '--bios', env.C2W_FW, '--kernel', env.C2W_KERNEL, '--drive', `${image.path},ro`, '--append', append];
  const started = Date.now();
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 1_800_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const wall = (Date.now() - started) / 1000;
  const text = (r.stdout ?? '').replace(/\r/g, '');
  const body = text.slice(text.indexOf('LOOKUP-BEGIN'), text.indexOf('LOOKUP-END'));
  const rows = {};
  for (const m of body.matchAll(/^(\w+) (\d+) ([\d.]+) ([\d.]+)$/gm)) rows[m[1]] = { n: Number(m[2]), seconds: Number(m[4]) - Number(m[3]) };
  const lists = /^lists ([0-9a-f]{32})$/m.exec(body)?.[1];
  if (lists !== image.lists) throw new Error(`${engine} ${image.name}: the guest read the name lists as ${lists}, expected ${image.lists}`);
  if (rows.d1k?.n !== 1000 || rows.d10k?.n !== SAMPLE_10K) throw new Error(`${engine} ${image.name}: not every name was found: ${JSON.stringify(rows)}`);
  if (!rows.find) throw new Error(`${engine} ${image.name}: no measurements in the console output: ${text.slice(-1500)} ${r.stderr?.slice(-500)}`);
  return { ...rows, wall };
}

/**
 * The issue's own measure: a container with /many (60 x 1,000 sage-like names) converted with each
 * root format, then `find /many -type f | wc -l` from a cold `c2w run` (a new process: Node, wasm,
 * firmware, kernel, init, runc, the command), wall seconds by GNU time.
 */
function fromC2wRun(work) {
  const c2w = join(root, 'packages/c2w/bin/run.js');
  const example = sh('bash', [join(root, 'tools/example/build-example-image.sh')]).trim().split('\n').pop();
  const layout = join(work, 'oci');
  sh('cp', ['-a', example, layout]);
  const unpacked = join(work, 'unpacked');
  sh('umoci', ['unpack', '--image', `${layout}:latest`, unpacked]);
  for (let d = 0; d < 60; d++) {
    const dir = join(unpacked, 'rootfs', 'many', `dir${String(d).padStart(2, '0')}`);
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 1000; i++) writeFileSync(join(dir, sage(`m${d}`, i)), `${i}\n`);
  }
  sh('umoci', ['repack', '--image', `${layout}:latest`, unpacked]);
  const rows = [];
  for (const format of (process.env['LOOKUP_RUN_FORMATS'] ?? 'erofs,iso').split(',')) {
    const bundle = join(work, `bundle-${format}`);
    const convert = timed('node', [c2w, 'convert', '--root-format', format, `oci:${layout}:latest`, bundle]);
    const walls = [];
    for (let i = 0; i < RUN_REPEAT; i++) { // cold processes; the median is reported
      const r = spawnSync('/usr/bin/time', ['-v', 'node', c2w, 'run', bundle, '--', 'sh', '-c', 'find /many -type f | wc -l'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
      const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
      if (r.status !== 0 || r.stdout.trim() !== '60000') throw new Error(`c2w run (${format}) failed (${r.status}): ${r.stdout.slice(-300)} ${r.stderr.slice(-1500)}`);
      walls.push(Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]));
    }
    const sorted = [...walls].sort((a, b) => a - b);
    const disk = format === 'erofs' ? 'root.erofs' : 'root.iso';
    rows.push({ format, convert, seconds: sorted[Math.floor(sorted.length / 2)], walls, mib: statSync(join(bundle, disk)).size / 1048576 });
  }
  return rows;
}

const rate = (row) => (row.seconds > 0 ? Math.round(row.n / row.seconds).toLocaleString('en') : `> ${(row.n / 0.01).toLocaleString('en')}`);

function documentOf(results, imgs, runs) {
  const table = results.map((r) => `| ${r.engine === 'qemu' ? 'qemu-system-riscv64' : 'our machine (wasm, Node)'} | ${r.image.name} | ${rate(r.d1k)} | ${rate(r.d10k)} | ${r.find.seconds.toFixed(2)} (${r.find.n}) | ${r.wall.toFixed(1)} |`).join('\n');
  const packs = imgs.map((i) => `| ${i.name} | ${i.mib.toFixed(1)} | ${i.pack.seconds.toFixed(2)} | ${i.pack.rssMiB.toFixed(0)} |`).join('\n');
  const md = `# Path lookup in big directories (issue 18)

\`node tools/bench/lookup.js\`: one content tree (the riscv64 busybox test root, plus
/bench/d1k with 1,000 files, /bench/d10k with 10,000 and /many with 60 directories of 1,000, every
name sage-like: ~130 bytes sharing a 70-byte prefix), packed four ways and booted as the root
(\`root=/dev/vda rootfstype=...\`) on qemu-system-riscv64 (JIT) and on our machine (machine.wasm
under Node, \`c2w-machine-node\`), Linux 6.1 (the c2w kernel), 256 MiB, in the same run. Each boot
measures cold (nothing looked up before): \`stat\` of all 1,000 names of d1k in random order, of
${SAMPLE_10K.toLocaleString('en')} random names of d10k (one \`xargs stat\`, so process starts hardly count),
then \`find /many -type f | wc -l\`. Guest clock: /proc/uptime (10 ms steps). Other jobs shared the 2 cores
(1-minute load average ${loadavg()[0].toFixed(1)} when this was written), so absolute times are noisy; ratios within a row set hold.

| emulator | root image | d1k lookups/s | d10k lookups/s | find 60,000 s (files) | boot-to-poweroff s |
|---|---|---:|---:|---:|---:|
${table}

Images (same tree; packing time and peak RSS on this 2-core host):

| image | MiB | pack s | peak RSS MiB |
|---|---:|---:|---:|
${packs}
${runs.length === 0 ? '' : `
## From \`c2w run\`, cold (the issue's target: under 15 s)

The busybox example image plus /many (60 directories of 1,000 sage-like names), converted with each
root format; \`c2w run BUNDLE -- sh -c 'find /many -type f | wc -l'\` as a new process, wall seconds
(GNU time), everything included: Node start, wasm compile, firmware, kernel, init, runc, the command.

| root format | root disk MiB | c2w convert s | c2w run find s |
|---|---:|---:|---:|
${runs.map((r) => `| ${r.format} | ${r.mib.toFixed(1)} | ${r.convert.seconds.toFixed(1)} | ${r.seconds.toFixed(1)}${r.walls.length > 1 ? ` (median of ${r.walls.map((w) => w.toFixed(1)).join(', ')})` : ''} |`).join('\n')}
`}`;
  return md;
}

export async function run({ out = join(root, 'docs', 'bench', 'lookup.md') } = {}) {
  if (process.argv.includes('--only-c2w-run')) { // the c2w run rows alone, as JSON
    const work = mkdtempSync(join(tmpdir(), 'c2w-bench-lookup-run-'));
    try { process.stdout.write(`${JSON.stringify(fromC2wRun(work), null, 2)}\n`); } finally { rmSync(work, { recursive: true, force: true }); }
    return;
  }
  const env = artifacts();
  const work = mkdtempSync(join(tmpdir(), 'c2w-bench-lookup-'));
  try {
    const content = buildTree(work, env.C2W_INITRD);
    const imgs = images(work, content);
    const results = [];
    const runs = process.argv.includes('--no-c2w-run') ? [] : fromC2wRun(work);
    // the fast formats first, and the document rewritten after every boot: ISO on our machine is slow
    const order = [...imgs.filter((i) => i.fstype !== 'iso9660'), ...imgs.filter((i) => i.fstype === 'iso9660')];
    for (const engine of ['qemu', 'machine']) {
      for (const image of order) {
        process.stderr.write(`lookup: ${engine} ${image.name}\n`);
        const r = { image, engine, ...boot(engine, env, image) };
        process.stderr.write(`lookup: ${JSON.stringify({ d1k: r.d1k, d10k: r.d10k, find: r.find, wall: r.wall })}\n`);
        results.push(r);
        writeBenchDoc(out, documentOf(results, imgs, runs)); // keeps the notes below HAND_MARK
      }
    }
    process.stderr.write(documentOf(results, imgs, runs));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
