import { GuestTree } from '../../src/guest/guest-tree.js';

describe('GuestTree', () => {
  it('creates parents and lists byte-sorted', () => {
    const t = new GuestTree();
    t.set('usr/bin/b', { type: 'symlink', target: 'busybox' });
    t.set('usr/bin/B', { type: 'symlink', target: 'busybox' });
    t.set('etc', { type: 'directory', mode: 0o700 });
    expect(t.sorted().map(([p]) => p)).toEqual(['etc', 'usr', 'usr/bin', 'usr/bin/B', 'usr/bin/b']);
    expect(t.get('usr')).toEqual({ type: 'directory', mode: 0o755 });
  });

  it('resolves paths through relative and absolute symlinks', () => {
    const t = new GuestTree();
    t.set('lib', { type: 'symlink', target: 'usr/lib' });
    t.set('usr/lib/riscv64-linux-gnu/ld.so.1', { type: 'file', mode: 0o755, source: 'x', size: 1 });
    t.set('usr/lib/ld.so.1', { type: 'symlink', target: 'riscv64-linux-gnu/ld.so.1' });
    t.set('loop', { type: 'symlink', target: '/loop' });
    expect(t.resolve('/lib/ld.so.1')?.path).toBe('usr/lib/riscv64-linux-gnu/ld.so.1');
    expect(t.resolve('usr/lib/../lib/ld.so.1')?.path).toBe('usr/lib/riscv64-linux-gnu/ld.so.1');
    expect(t.resolve('/lib/missing')).toBeUndefined();
    expect(t.resolve('loop/x')).toBeUndefined();
  });
});
