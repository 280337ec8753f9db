#!/usr/bin/env node
// c2w convert + c2w run benchmark (issue 7): converts the bundled riscv64 busybox example and a
// riscv64 Debian python3 image, then runs a command in each from a cold process (Node start, wasm
// compile, firmware, kernel, init, crun),
// next to qemu-system-riscv64 (JIT) booting the same firmware, kernel, root disk and run channel in
// the same run. Wall seconds and peak RSS from GNU time, median of REPEAT runs; writes
// docs/bench/convert-run.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeBenchDoc } from './_doc.js';
import { qemuRiscv64Command } from './_qemu-riscv64.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPEAT = 5;
const c2w = `node ${join(root, 'packages/c2w/bin/run.js')}`;

function timed(command, { expect } = {}) {
  const r = spawnSync('/usr/bin/time', ['-v', 'sh', '-c', command], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${command} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  if (expect && !r.stdout.includes(expect)) throw new Error(`${command}: output lacks ${expect}: ${r.stdout.slice(-500)}`);
  const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { seconds: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]), rssMiB: Number(rss[1]) / 1024 };
}
const median = (runs, key) => [...runs].sort((a, b) => a[key] - b[key])[Math.floor(runs.length / 2)][key];
const row = (name, runs) => `| ${name} | ${median(runs, 'seconds').toFixed(2)} | ${median(runs, 'rssMiB').toFixed(0)} |`;

const IMAGES = [
  { name: 'busybox example', script: 'tools/example/build-example-image.sh', args: ['echo', 'hello'], expect: 'hello' },
  { name: 'Debian python3', script: 'tools/riscv64/build-python-image.sh', args: ['python3', '-c', 'print(sum(range(10)))'], expect: '45' },
];
const shellQuote = (a) => `'${a.replace(/'/g, `'\\''`)}'`;

/** Converts one image and runs it cold REPEAT times, on our machine and on QEMU. */
async function measure(image, work) {
  const layout = spawnSync('bash', [join(root, image.script)], { encoding: 'utf8' }).stdout.trim().split('\n').pop();
  timed(`${c2w} convert oci:${layout}:latest ${work}/warmup`); // fills the runtime pack cache
  const convert = [];
  for (let i = 0; i < REPEAT; i++) convert.push(timed(`rm -rf ${work}/b && ${c2w} convert oci:${layout}:latest ${work}/b`));
  const bundle = join(work, 'b');
  const argv = image.args.map(shellQuote).join(' ');
  const runs = [];
  for (let i = 0; i < REPEAT; i++) runs.push(timed(`${c2w} run ${bundle} -- ${argv} < /dev/null`, { expect: image.expect }));

  // The same guest on QEMU: the channel tar c2w run would write, attached as the second disk.
  const b = JSON.parse(readFileSync(join(bundle, 'bundle.json'), 'utf8'));
  const qemuCmd = await qemuRiscv64Command(root, bundle, image.args, join(work, 'channel.tar'));
  const qemu = [];
  for (let i = 0; i < REPEAT; i++) qemu.push(timed(qemuCmd, { expect: image.expect }));
  rmSync(join(work, 'warmup'), { recursive: true, force: true });
  return { image, isoMiB: b.files[b.disks[0].file].size / 1048576, memory: b.machine.memory, convert, runs, qemu };
}

export async function run({ out = join(root, 'docs', 'bench', 'convert-run.md') } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'c2w-bench-convert-'));
  try {
    const results = [];
    for (const image of IMAGES) results.push(await measure(image, work));
    const sections = results.map((r) => `## ${r.image.name}: \`${r.image.args.join(' ')}\`

Image: ${r.image.script}. Bundle: ${r.isoMiB.toFixed(1)} MiB root disk (EROFS by default; guest base with crun and qemu-user + the image), ${r.memory} guest RAM.

| what | wall s | peak RSS MiB |
|---|---:|---:|
${row('c2w convert (runtime pack cached)', r.convert)}
${row(`c2w run BUNDLE -- ${r.image.args[0]} ... (wasm under Node)`, r.runs)}
${row('qemu-system-riscv64 (JIT), same firmware, kernel, disks', r.qemu)}

Ratio run / QEMU: ${(median(r.runs, 'seconds') / median(r.qemu, 'seconds')).toFixed(2)}x.
`).join('\n');
    const md = `# c2w convert and c2w run (issue 7)

Median of ${REPEAT} runs on this 2-core host, wall seconds and peak RSS (GNU time), same run for all rows.
\`c2w run\` is a cold process each time: Node start, wasm compile, OpenSBI, Linux, init, crun, the
command, power-off. stdin is /dev/null.

${sections}
For comparison, container2wasm reports 26.7 s to boot without its snapshot (Bochs) and 7-17 s for
a Node hello world on TinyEMU.

Before the guest's RNG was seeded at boot (docs/decisions/0011-guest-entropy.md) the python3 run
took 7.54 s here (QEMU 7.74 s): python waited 5 s for the kernel's first random bytes.

Before the guest's runtime was crun (docs/decisions/0042) every run paid runc's start: the busybox
\`echo hello\` took 146.0 M guest instructions with runc against 96.3 M with crun, 2.58 against 2.05 CPU s,
2.74 against 2.09 s wall, 167 against 139 MiB (docs/bench/oci-runtime.md, the two alternating in one run).
`;
    writeBenchDoc(out, md);
    process.stderr.write(md);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
