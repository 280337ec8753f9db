import type { Writable } from 'node:stream';
import { RunManifest } from '@c2w/artifacts';
import { InputError } from '@c2w/errors';
// the tar writer alone: the package's index also loads the decompressors
import { TarWriter } from '@c2w/streams/tar-writer';

/**
 * Writes the run channel: the tar the host puts on the guest's second virtio disk. Members, in
 * this order: `c2w/arch`, `c2w/time` (if known), `c2w/mounts` (if any: `index tag ro|rw` per
 * line), `c2w/stdin` (if given), `c2w/tty` (`ROWS COLS`, if given), `c2w/upper` (if given), `c2w/commit` (if set), `c2w/net` (`dhcp`, with a network), `config.json`. A tar is a whole number of 512-byte blocks, so
 * it is also a valid disk image; its size has no fixed cap.
 */
export async function writeRunChannel(manifest: RunManifest, out: Writable): Promise<void> {
  const parsed = RunManifest.safeParse(manifest);
  if (!parsed.success) throw new InputError(`run manifest is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const m = parsed.data;
  const tar = new TarWriter(out);
  const mtime = new Date(0);
  const file = (name: string, text: string) =>
    tar.add({ name, type: 'file', mode: 0o644, uid: 0, gid: 0, size: Buffer.byteLength(text), mtime }, Buffer.from(text));
  await tar.add({ name: 'c2w', type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0, mtime });
  await file('c2w/arch', `${m.arch}\n`);
  if (m.time !== undefined) await file('c2w/time', `${m.time}\n`);
  if (m.mounts?.length) await file('c2w/mounts', m.mounts.map((x, i) => `${i} ${x.tag} ${x.readonly ? 'ro' : 'rw'}\n`).join(''));
  if (m.stdin !== undefined) await file('c2w/stdin', `${m.stdin}\n`);
  if (m.tty !== undefined) await file('c2w/tty', `${m.tty.rows} ${m.tty.cols}\n`);
  if (m.upper !== undefined) await file('c2w/upper', `${m.upper}\n`);
  if (m.commit) await file('c2w/commit', '1\n');
  if (m.net) await file('c2w/net', 'dhcp\n');
  await file('config.json', `${JSON.stringify(m.config, null, 1)}\n`);
  await tar.finish();
}
