import type { FixtureEntry } from './tar-fixtures.js';

const T = 1_600_000_000;

/** The edge tree of issue 4: every shape a container root file system can hold, small. */
export function edgeTree(): FixtureEntry[] {
  const e: FixtureEntry[] = [];
  const dir = (name: string, mode = 0o755, extra: Partial<FixtureEntry> = {}): void => { e.push({ name, type: 'directory', mode, mtime: T, ...extra }); };
  const file = (name: string, body: string | Buffer, extra: Partial<FixtureEntry> = {}): void => { e.push({ name, body, mtime: T + 1, ...extra }); };
  dir('bin');
  file('bin/sudo', 'setuid', { mode: 0o4755, uid: 0, gid: 0 });
  file('bin/wall', 'setgid', { mode: 0o2755, gid: 5 });
  dir('tmp', 0o1777);
  dir('home', 0o755);
  dir('home/user', 0o700, { uid: 1000, gid: 1000 });
  file('home/user/big-ids', 'x', { uid: 123456, gid: 654321, mode: 0o600 });
  file('home/user/empty', '');
  file('home/user/block-2048', Buffer.alloc(2048, 7));
  file('home/user/block-2049', Buffer.alloc(2049, 9));
  let deep = 'deep';
  dir(deep);
  for (let i = 1; i < 15; i++) { deep += `/level${i}`; dir(deep); }
  file(`${deep}/bottom.txt`, 'fifteen levels down');
  dir('names');
  file(`names/${'n'.repeat(255)}`, '255-byte name');
  dir(`names/${'d'.repeat(255)}`);
  file(`names/${'d'.repeat(255)}/${'é'.repeat(127)}x`, 'a 255-byte name in UTF-8');
  file('names/semi;colon', ';');
  file('names/with space.txt', ' ');
  file('names/README', 'upper');
  file('names/readme', 'lower');
  file('names/ReadMe', 'mixed');
  file('names/héllo wörld ✓ 😀.txt', 'unicode');
  file('names/.hidden', 'dot');
  file('names/a.b.c.d.tar.gz', 'dots');
  dir('links');
  e.push({ name: 'links/abs', type: 'symlink', linkname: '/bin/sudo', mtime: T });
  e.push({ name: 'links/rel', type: 'symlink', linkname: '../bin/sudo', mtime: T });
  e.push({ name: 'links/dots', type: 'symlink', linkname: './../.././x/../y/', mtime: T });
  e.push({ name: 'links/long', type: 'symlink', linkname: Array.from({ length: 100 }, (_, i) => `c${i}`.padEnd(9, 'z')).join('/'), mtime: T });
  e.push({ name: 'links/double-slash', type: 'symlink', linkname: 'a//b', mtime: T });
  dir('hard');
  file('hard/one', 'shared body', { mode: 0o640, uid: 7, gid: 8 });
  e.push({ name: 'hard/two', type: 'link', linkname: 'hard/one' });
  e.push({ name: 'hard/three', type: 'link', linkname: 'hard/one' });
  dir('dev');
  e.push({ name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666, mtime: T });
  e.push({ name: 'dev/tty0', type: 'character-device', devmajor: 4, devminor: 0, mode: 0o620, gid: 5, mtime: T });
  e.push({ name: 'dev/sda', type: 'block-device', devmajor: 8, devminor: 0, mode: 0o660, gid: 6, mtime: T });
  e.push({ name: 'dev/fifo', type: 'fifo', mode: 0o644, mtime: T });
  dir('many');
  for (let i = 0; i < 3000; i++) file(`many/file-${String(i).padStart(4, '0')}.dat`, `#${i}`, { mtime: T + i });
  return e;
}

/** Sage-like names: long shared prefixes that differ only after character 64 and after 103. */
export function sageNames(count = 300): string[] {
  const prefix = 'cython_debug_info_sage.geometry.polyhedron.combinatorial_polyhedron.'; // 69 chars
  const names = new Set<string>();
  for (let i = 0; names.size < count; i++) {
    const mid = `base_${'x'.repeat(20)}_${i % 7}`.padEnd(34, 'q');
    names.add(`${prefix}${mid}.${['face_iterator', 'list_of_faces', 'conversions', 'polyhedron_face_lattice'][i % 4]}${i}`.slice(0, 80 + (i % 41)));
  }
  return [...names];
}
