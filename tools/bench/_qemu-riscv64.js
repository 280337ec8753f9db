// qemu-system-riscv64 (TCG JIT) booting a riscv64 machine bundle's firmware, kernel and root disk with the
// run channel `c2w run BUNDLE -- ARGS` would write, as our machine numbers the disks: the anchor of
// the benches that run a bundle (convert-run, jit).
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';

/**
 * A shell command running the bundle's guest with `args` on QEMU; writes the channel tar to `channel`.
 * `cpu`: QEMU's -cpu value (its `rv64` has extensions our machine lacks, such as V and Zb*).
 */
export async function qemuRiscv64Command(root, bundle, args, channel, { cpu = 'rv64' } = {}) {
  const b = JSON.parse(readFileSync(join(bundle, 'bundle.json'), 'utf8'));
  const { runtimeConfig, writeRunChannel } = await import(pathToFileURL(join(root, 'packages/emu-build/dist/index.js')).href);
  const config = runtimeConfig(JSON.parse(readFileSync(join(bundle, 'image-config.json'), 'utf8')), { args });
  const s = createWriteStream(channel);
  await writeRunChannel({ schemaVersion: 1, arch: b.image.architecture, config }, s); // amd64 on qemu-user too
  await finished(s);
  // Root disk first, channel second (the guest's init takes the first disk that is not the root as
  // the channel). QEMU has no console gate: stdin is empty.
  return `qemu-system-riscv64 -M virt -cpu ${cpu} -smp 1 -m ${b.machine.memory} -nographic -bios ${bundle}/${b.boot.firmware} -kernel ${bundle}/${b.boot.kernel} ` +
    `-append '${b.boot.append}' -drive file=${bundle}/${b.disks[0].file},format=raw,if=none,id=hd,readonly=on -device virtio-blk-device,drive=hd ` +
    `-drive file=${channel},format=raw,if=none,id=ch,readonly=on -device virtio-blk-device,drive=ch < /dev/null`;
}
