import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { InputError } from '@c2w/errors';
import { archivePath, writeAtomically, TarWriter } from '@c2w/streams';
import type { BinaryPackage } from '../debian/packages-index.js';
import { readDeb } from '../debian/deb-reader.js';
import { appletNames, appletPath } from './busybox-applets.js';
import { registrationLine, QEMU_TARGETS } from './binfmt.js';
import { DEFAULT_OCI_RUNTIME, selectEntry, type GuestSpec } from './guest-spec.js';
import { GUEST_ARCH, type GuestArch } from './guest-arch.js';
import { GuestTree } from './guest-tree.js';
import { elfDeps } from './elf-needed.js';
import { buildGuestTool, GUEST_TOOLS } from './guest-tools.js';

export interface GuestInputs {
  spec: GuestSpec;
  /** Resolved packages with the path of their verified .deb. */
  debs: Array<{ pkg: BinaryPackage; path: string }>;
  /** Path of the init script to install as /usr/sbin/c2w-init. */
  initScript: string;
  sourceDateEpoch: number;
  /** Scratch directory for staged file bodies (removed afterwards). */
  scratch: string;
}

/** Files of our own, besides the packages: users for the runtime's defaults, mount points, init. */
const ETC_PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';
const ETC_GROUP = 'root:x:0:\nnogroup:x:65534:\n';

/**
 * Writes guest.tar: the root the VM boots, of the spec's architecture (merged /usr, busybox with
 * applet links, the OCI runtime (crun or runc) and its libraries, qemu-user emulators, /etc, mount points, our init). Sorted, owner 0:0, every
 * mtime SOURCE_DATE_EPOCH: the same inputs give the same bytes.
 */
export async function buildGuestTar(inputs: GuestInputs, out: string): Promise<{ entries: number }> {
  const tree = new GuestTree();
  const binfmt = new Map<string, string>();
  await rm(inputs.scratch, { recursive: true, force: true });
  await mkdir(inputs.scratch, { recursive: true });
  let staged = 0;
  try {
    for (const { pkg, path } of inputs.debs) {
      const what = `${pkg.name}_${pkg.version}.deb`;
      await readDeb(createReadStream(path), what, {
        control(control) {
          if (control.get('Package') !== pkg.name || control.get('Version') !== pkg.version) {
            throw new InputError(`${what}: control says ${control.get('Package')} ${control.get('Version')}`);
          }
        },
        async entry({ header, body }) {
          const name = archivePath(header.name, `${what} entry`);
          const sel = selectEntry(inputs.spec, pkg.name, name);
          if (sel === 'skip') return;
          if (sel === 'binfmt') {
            const target = /qemu-([a-z0-9_]+)\.conf$/.exec(name)![1]!;
            const arch = Object.keys(QEMU_TARGETS).find((a) => QEMU_TARGETS[a] === target)!;
            const parts: Buffer[] = [];
            for await (const c of body) parts.push(c);
            binfmt.set(arch, registrationLine(Buffer.concat(parts).toString('utf8'), target, `${what}:${name}`));
            return;
          }
          if (header.type === 'symlink') {
            tree.set(name, { type: 'symlink', target: header.linkname ?? '' });
          } else if (header.type === 'file' || header.type === 'contiguous-file') {
            const source = join(inputs.scratch, String(staged++));
            await pipeline(Readable.from(body), createWriteStream(source));
            tree.set(name, { type: 'file', mode: header.mode & 0o7777, source, size: header.size });
          } else {
            throw new InputError(`${what}: ${name} is a ${header.type}, expected a file or symlink`);
          }
        },
      });
    }
    await addOwnEntries(tree, inputs, binfmt);
    await checkLinking(tree, inputs.spec.arch);
    let entries = 0;
    await writeAtomically(out, 'guest.tar', async (stream) => {
      const tar = new TarWriter(stream);
      const mtime = new Date(inputs.sourceDateEpoch * 1000);
      for (const [name, node] of tree.sorted()) {
        const base = { name, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime };
        if (node.type === 'directory') await tar.add({ ...base, type: 'directory', mode: node.mode, size: 0 });
        else if (node.type === 'symlink') await tar.add({ ...base, type: 'symlink', mode: 0o777, size: 0, linkname: node.target });
        else await tar.add({ ...base, type: 'file', mode: node.mode, size: node.size }, createReadStream(node.source));
        entries++;
      }
      await tar.finish();
    });
    return { entries };
  } finally {
    await rm(inputs.scratch, { recursive: true, force: true });
  }
}

async function addOwnEntries(tree: GuestTree, inputs: GuestInputs, binfmt: Map<string, string>): Promise<void> {
  const busybox = tree.get('usr/bin/busybox');
  if (busybox?.type !== 'file') throw new InputError('busybox-static did not provide usr/bin/busybox');
  for (const name of await appletNames(createReadStream(busybox.source), 'usr/bin/busybox')) {
    const path = appletPath(name);
    if (tree.get(path)) continue; // a real program (runc, qemu) wins over an applet of the same name
    tree.set(path, { type: 'symlink', target: path.startsWith('usr/bin/') ? 'busybox' : '../bin/busybox' });
  }
  const links = [['bin', 'usr/bin'], ['sbin', 'usr/sbin'], ['lib', 'usr/lib']];
  if (GUEST_ARCH[inputs.spec.arch].loaderLink.startsWith('usr/lib64/')) links.push(['lib64', 'usr/lib64']);
  for (const [link, target] of links) tree.set(link!, { type: 'symlink', target: target! });
  for (const dir of ['dev', 'proc', 'sys', 'run', 'mnt', 'etc', 'var', 'oci']) tree.set(dir, { type: 'directory', mode: 0o755 });
  tree.set('tmp', { type: 'directory', mode: 0o1777 });
  tree.set('root', { type: 'directory', mode: 0o700 });
  tree.set('var/tmp', { type: 'symlink', target: '../tmp' });
  tree.set('var/run', { type: 'symlink', target: '../run' });

  const own = join(inputs.scratch, 'own');
  await mkdir(own, { recursive: true });
  const addText = async (path: string, text: string, mode = 0o644): Promise<void> => {
    const source = join(own, path.replace(/\//g, '_'));
    await pipeline(Readable.from([Buffer.from(text)]), createWriteStream(source));
    tree.set(path, { type: 'file', mode, source, size: Buffer.byteLength(text) });
  };
  await addText('etc/passwd', ETC_PASSWD);
  await addText('etc/group', ETC_GROUP);
  await addText('etc/hostname', 'c2w\n');
  // which OCI runtime c2w-init starts (crun or runc, docs/decisions/0042)
  await addText('etc/c2w/oci-runtime', `${inputs.spec.ociRuntime ?? DEFAULT_OCI_RUNTIME}\n`);
  for (const arch of inputs.spec.foreignArches) {
    const line = binfmt.get(arch);
    if (!line) throw new InputError(`qemu-user has no binfmt.d entry for ${arch} (qemu-${QEMU_TARGETS[arch]})`);
    if (tree.get(`usr/bin/qemu-${QEMU_TARGETS[arch]}`)?.type !== 'file') throw new InputError(`qemu-user has no usr/bin/qemu-${QEMU_TARGETS[arch]}`);
    await addText(`etc/c2w/binfmt/${arch}`, line);
  }
  const init = await readFile(inputs.initScript);
  await addText('usr/sbin/c2w-init', init.toString('utf8'), 0o755);
  // the init's DHCP event script (c2w run --net) lives beside it in the source tree
  const dhcp = await readFile(join(dirname(inputs.initScript), 'udhcpc.script'));
  await addText('usr/share/c2w/udhcpc.script', dhcp.toString('utf8'), 0o755);
  // our own programs (c2w commit's xattr dump, the emulated containers' PID 1), compiled for the guest here
  for (const t of GUEST_TOOLS) {
    const out = join(own, t.name);
    await buildGuestTool(inputs.spec.arch, t.source, out);
    tree.set(t.path, { type: 'file', mode: 0o755, source: out, size: (await stat(out)).size });
  }
}

/**
 * Every ELF program and library in the guest must be built for the guest's machine and find its
 * interpreter and DT_NEEDED libraries in the guest: a wrong or missing one would only show up as
 * "exec format error" or "not found" inside the VM.
 */
async function checkLinking(tree: GuestTree, arch: GuestArch): Promise<void> {
  const { triplet, elfMachine } = GUEST_ARCH[arch];
  // the library directories the glibc loader searches (Debian multiarch)
  const libDirs = [`usr/lib/${triplet}`, 'usr/lib'];
  for (const [path, node] of tree.sorted()) {
    if (node.type !== 'file' || !/^usr\/(s?bin|lib)\//.test(path)) continue;
    const deps = await elfDeps(node.source, path);
    if (!deps) continue;
    if (deps.machine !== elfMachine) throw new InputError(`guest: ${path} is an ELF file for machine ${deps.machine}, expected ${elfMachine} (${arch})`);
    if (deps.interp && !tree.resolve(deps.interp)) throw new InputError(`guest: ${path} needs the interpreter ${deps.interp}, which no package provided`);
    for (const lib of deps.needed) {
      if (!libDirs.some((d) => tree.resolve(`${d}/${lib}`))) throw new InputError(`guest: ${path} needs ${lib}, which no package provided`);
    }
  }
}
