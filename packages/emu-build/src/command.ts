import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BaseCommand, Flags, sourceDateEpoch } from '@c2w/cli-kit';
import { buildPack } from './build-pack.js';
import { defaultCacheDir } from './options.js';
import { GUEST_ARCHES, type GuestArch } from './guest/guest-arch.js';
import { DEFAULT_OCI_RUNTIME, OCI_RUNTIMES, type OciRuntime } from './guest/guest-spec.js';

export default class EmuBuild extends BaseCommand {
  static override toolName = 'emu-build';
  static override summary = 'Build the runtime pack: machine.wasm, the kernel (riscv64: OpenSBI + Image; amd64: the x86_64 vmlinux), guest.tar, pack.json.';
  static override description = `Debian packages come from the host's configured Debian mirror (InRelease checked with gpgv, every file by sha256).
Every output is cached under --cache by the digest of its inputs; a warm run only checks digests.
SOURCE_DATE_EPOCH sets the mtimes in guest.tar (default 0).`;

  static override flags = {
    arch: Flags.string({ description: 'guest architecture: riscv64 (the RV64 machine, qemu-user for other images) or amd64 (the x86_64 machine)', options: [...GUEST_ARCHES], default: 'riscv64' }),
    out: Flags.string({ description: 'pack directory to write (replaced atomically)', default: 'pack', helpValue: 'DIR' }),
    cache: Flags.string({ description: 'cache directory (default $C2W_CACHE or ~/.cache/c2w)', helpValue: 'DIR' }),
    offline: Flags.boolean({ description: 'use only the cache; fail (exit 3) naming what is missing', default: false }),
    mirror: Flags.string({ description: "Debian mirror URL (default: the host's apt sources)", helpValue: 'URL' }),
    suite: Flags.string({ description: 'Debian suite of the guest packages', default: 'trixie' }),
    'kernel-suite': Flags.string({ description: 'Debian suite of linux-source-6.1, the kernel source', default: 'bookworm' }),
    foreign: Flags.string({ description: 'image architectures to ship qemu-user emulators for (comma list, "" for none; default amd64,arm64 on riscv64, none on amd64)', helpValue: 'ARCHS' }),
    'oci-runtime': Flags.string({ description: 'the container runtime in the guest: crun (starts a container in a fraction of runc\'s guest instructions) or runc', options: [...OCI_RUNTIMES], default: DEFAULT_OCI_RUNTIME }),
    json: Flags.boolean({ description: 'print a JSON summary on stdout: the pack directory, its digest (sha256 of pack.json), its files, the cache hits', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(EmuBuild);
    const result = await buildPack({
      arch: flags.arch as GuestArch,
      out: flags.out,
      cache: flags.cache ?? defaultCacheDir(),
      offline: flags.offline,
      mirror: flags.mirror,
      suite: flags.suite,
      kernelSuite: flags['kernel-suite'],
      foreignArches: flags.foreign?.split(',').map((s) => s.trim()).filter(Boolean),
      sourceDateEpoch: sourceDateEpoch() ?? 0,
      ociRuntime: flags['oci-runtime'] as OciRuntime,
    }, (m) => this.note(m));
    this.note(`pack ${result.out}: ${Object.entries(result.pack.files).map(([n, f]) => `${n} ${f.digest.slice(7, 19)}`).join(', ')}`);
    if (flags.json) {
      // the digest that names the pack (a bundle's runtimePack, the npm package's c2w.pack)
      const digest = `sha256:${createHash('sha256').update(await readFile(join(result.out, 'pack.json'))).digest('hex')}`;
      process.stdout.write(`${JSON.stringify({ out: result.out, digest, files: result.pack.files, cacheHits: result.cacheHits }, null, 2)}\n`);
    }
  }
}
