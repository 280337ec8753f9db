import { MACHINE_ARCHES, NATIVE_IMAGE_ARCH, type MachineArch } from '@c2w/artifacts';
import { UsageError } from '@c2w/errors';

/**
 * The machine a bundle runs on: the one that runs the image's architecture natively (amd64 ->
 * x86_64, riscv64 -> riscv64), else riscv64 with qemu-user. `--machine riscv64` forces the
 * qemu-user path for an amd64 image (for comparison, or when the x86_64 pack is not installed).
 */
export function chooseMachine(imageArch: string, forced?: MachineArch): MachineArch {
  const native = MACHINE_ARCHES.find((m) => NATIVE_IMAGE_ARCH[m] === imageArch);
  if (forced === undefined || forced === native) return native ?? 'riscv64';
  // only the riscv64 guest carries qemu-user for other architectures
  if (forced !== 'riscv64') throw new UsageError(`--machine ${forced} runs ${NATIVE_IMAGE_ARCH[forced]} images only; this image is ${imageArch} (omit --machine, pass --machine riscv64, or pick linux/amd64 with --platform)`);
  return forced;
}

