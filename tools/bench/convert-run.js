#!/usr/bin/env node
// c2w convert + c2w run benchmark (issue 7): converts the bundled riscv64 busybox example, then
// runs `echo hello` from a cold process (Node start, wasm compile, firmware, kernel, init, runc),
// next to qemu-system-riscv64 (JIT) booting the same firmware, kernel, root.iso and run channel in
// the same run. Wall seconds and peak RSS from GNU time, median of REPEAT runs; writes
// docs/bench/convert-run.md.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

export async function run({ out = join(root, 'docs', 'bench', 'convert-run.md') } = {}) {
  const image = spawnSync('bash', [join(root, 'tools/example/build-example-image.sh')], { encoding: 'utf8' }).stdout.trim().split('\n').pop();
  const work = mkdtempSync(join(tmpdir(), 'c2w-bench-convert-'));
  try {
    timed(`${c2w} convert oci:${image}:latest ${work}/warmup`); // fills the runtime pack cache
    const convert = [];
    for (let i = 0; i < REPEAT; i++) convert.push(timed(`rm -rf ${work}/b && ${c2w} convert oci:${image}:latest ${work}/b`));
    const bundle = join(work, 'b');
    const runs = [];
    for (let i = 0; i < REPEAT; i++) runs.push(timed(`${c2w} run ${bundle} -- echo hello < /dev/null`, { expect: "hello" }));

    // The same guest on QEMU: the channel tar c2w run would write, attached as the second disk.
    const b = JSON.parse(readFileSync(join(bundle, 'bundle.json'), 'utf8'));
    const { runtimeConfig, writeRunChannel } = await import(pathToFileURL(join(root, 'packages/emu-build/dist/index.js')).href);
    const config = runtimeConfig(JSON.parse(readFileSync(join(bundle, 'image-config.json'), 'utf8')), { args: ['echo', 'hello'] });
    const channel = join(work, 'channel.tar');
    const s = createWriteStream(channel);
    await writeRunChannel({ schemaVersion: 1, arch: 'riscv64', config }, s);
    await finished(s);
    // Root ISO first, channel second, as our machine numbers them (the guest's init takes the
    // first disk that is not the root as the channel).
    const qemuCmd = `qemu-system-riscv64 -M virt -cpu rv64 -smp 1 -m ${b.machine.memory} -nographic -bios ${bundle}/${b.boot.firmware} -kernel ${bundle}/${b.boot.kernel} ` +
      `-append '${b.boot.append}' -drive file=${bundle}/root.iso,format=raw,if=none,id=hd,readonly=on -device virtio-blk-device,drive=hd ` +
      `-drive file=${channel},format=raw,if=none,id=ch,readonly=on -device virtio-blk-device,drive=ch < /dev/null`;
    const qemu = [];
    for (let i = 0; i < REPEAT; i++) qemu.push(timed(qemuCmd, { expect: 'hello' }));

    const md = `# c2w convert and c2w run (issue 7)

Image: the bundled riscv64 busybox example (tools/example/build-example-image.sh), one layer.
Bundle: ${(JSON.stringify(b.files['root.iso'].size / 1048576 * 10 | 0) / 10)} MiB root.iso (guest base with runc and qemu-user + the image), ${b.machine.memory} guest RAM.
Median of ${REPEAT} runs on this 2-core host, wall seconds and peak RSS (GNU time), same run for all rows.
\`c2w run\` is a cold process each time: Node start, wasm compile, OpenSBI, Linux, init, runc, echo, power-off.

| what | wall s | peak RSS MiB |
|---|---:|---:|
${row('c2w convert (runtime pack cached)', convert)}
${row('c2w run BUNDLE -- echo hello (wasm under Node)', runs)}
${row('qemu-system-riscv64 (JIT), same firmware, kernel, disks', qemu)}

Ratio run / QEMU: ${(median(runs, 'seconds') / median(qemu, 'seconds')).toFixed(2)}x.
For comparison, container2wasm reports 26.7 s to boot without its snapshot (Bochs) and 7-17 s for
a Node hello world on TinyEMU.

Not measured yet: the riscv64 Debian python3 image (the mmdebstrap build for riscv64 is not in the
project yet).
`;
    writeFileSync(out, md);
    process.stderr.write(md);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
