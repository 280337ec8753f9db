/**
 * A newc ("070701") cpio archive as the kernel's initramfs unpacker reads it
 * (Documentation/driver-api/early-userspace/buffer-format.rst): 110-byte ASCII-hex headers, name
 * and body each padded to 4 bytes, ended by TRAILER!!!. Written here rather than with cpio(1) so
 * /dev/console can be a character device without root.
 */
export type CpioEntry =
  | { name: string; type: 'dir'; mode?: number }
  | { name: string; type: 'file'; body: Buffer | string; mode?: number }
  | { name: string; type: 'symlink'; target: string }
  | { name: string; type: 'chardev'; major: number; minor: number; mode?: number };

const S_IFMT = { dir: 0o040000, file: 0o100000, symlink: 0o120000, chardev: 0o020000 };

export function newcCpio(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  const pad = () => { const n = (4 - (parts.reduce((a, p) => a + p.length, 0) % 4)) % 4; if (n) parts.push(Buffer.alloc(n)); };
  const add = (name: string, mode: number, body: Buffer, rdev: [number, number] = [0, 0], ino = parts.length + 1) => {
    const hex = (v: number) => v.toString(16).padStart(8, '0');
    const fields = [ino, mode, 0, 0, 1, 0, body.length, 0, 0, rdev[0], rdev[1], name.length + 1, 0];
    parts.push(Buffer.from(`070701${fields.map(hex).join('')}${name}\0`, 'latin1'));
    pad();
    parts.push(body);
    pad();
  };
  for (const e of entries) {
    if (e.type === 'dir') add(e.name, S_IFMT.dir | (e.mode ?? 0o755), Buffer.alloc(0));
    else if (e.type === 'file') add(e.name, S_IFMT.file | (e.mode ?? 0o644), Buffer.from(e.body));
    else if (e.type === 'symlink') add(e.name, S_IFMT.symlink | 0o777, Buffer.from(e.target));
    else add(e.name, S_IFMT.chardev | (e.mode ?? 0o600), Buffer.alloc(0), [e.major, e.minor]);
  }
  add('TRAILER!!!', 0, Buffer.alloc(0), [0, 0], 0);
  return Buffer.concat(parts);
}
