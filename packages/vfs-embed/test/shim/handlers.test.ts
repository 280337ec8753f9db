import binaryen from 'binaryen';
import { layoutFiles } from '../../src/layout.js';
import { injectShim } from '../../src/shim/inject.js';
import { SERVED } from '../../src/shim/signatures.js';
import { FILE_FD_BASE } from '../../src/shim/wasi-abi.js';

type Args = (number | bigint)[];

/**
 * A module that imports every served preview1 function and exports `call_<name>` calling it, run
 * through injectShim (so each call reaches the shim) and instantiated with a fake host that records
 * what reaches it: fd 3 is its only preopen ("/host"), path_open hands out fd 9.
 */
async function shimmed(files: Record<string, string>) {
  const m = new binaryen.Module();
  m.setMemory(1, 1, 'memory');
  for (const [name, params] of Object.entries(SERVED)) {
    m.addFunctionImport(name, 'wasi_snapshot_preview1', name, binaryen.createType([...params]), binaryen.i32);
    m.addFunction(`call_${name}`, binaryen.createType([...params]), binaryen.i32, [], m.call(name, params.map((t, i) => m.local.get(i, t)), binaryen.i32));
    m.addFunctionExport(`call_${name}`, `call_${name}`);
  }
  const laid = layoutFiles(Object.entries(files).map(([name, body]) => ({ name, path: name, size: body.length })));
  injectShim(m, laid.files, laid.chunkSizes.length, Buffer.from('/embed'), 'test');
  const bytes = m.emitBinary();
  m.dispose();

  const seen: string[] = [];
  const box: { memory?: DataView } = {}; // the host's view of memory, set once instantiated
  const host: Record<string, (...a: Args) => number> = {};
  for (const name of Object.keys(SERVED)) host[name] = (...a) => { seen.push(`${name}(${a.join(',')})`); return 52; };
  host['fd_prestat_get'] = (fd, buf) => {
    seen.push(`fd_prestat_get(${fd})`);
    if (fd !== 3) return 8;
    box.memory!.setUint8(Number(buf), 0);
    box.memory!.setUint32(Number(buf) + 4, 5, true);
    return 0;
  };
  host['path_open'] = (...a) => {
    seen.push(`path_open(${a[0]},${a[2]},${a[3]})`);
    box.memory!.setUint32(Number(a[8]), 9, true);
    return 0;
  };
  const { instance } = await WebAssembly.instantiate(bytes, { wasi_snapshot_preview1: host });
  const memory = new DataView((instance.exports['memory'] as WebAssembly.Memory).buffer);
  box.memory = memory;
  const call = (name: string, ...a: Args) => (instance.exports[`call_${name}`] as (...x: Args) => number)(...a);
  const str = (at: number, s: string) => { Buffer.from(s).forEach((b, i) => memory.setUint8(at + i, b)); return [at, s.length]; };
  return { call, seen, memory, str };
}

describe('shim handlers', () => {
  it('claims the first fd the host calls free as the mount, holding it with "." of the host preopen', async () => {
    const s = await shimmed({ a: 'abc' });
    expect(s.call('fd_prestat_get', 3, 100)).toBe(0);
    expect(s.call('fd_prestat_get', 4, 100)).toBe(0);
    expect([s.memory.getUint8(100), s.memory.getUint32(104, true)]).toEqual([0, 6]);
    expect(s.seen).toEqual(['fd_prestat_get(3)', 'fd_prestat_get(4)', 'path_open(3,100,1)']);
    expect(s.call('fd_prestat_dir_name', 4, 200, 6)).toBe(0);
    expect(Buffer.from(new Uint8Array(s.memory.buffer, 200, 6)).toString()).toBe('/embed');
    expect(s.call('fd_prestat_dir_name', 4, 200, 5)).toBe(28);
    expect(s.call('fd_prestat_get', 5, 100)).toBe(8); // enumeration ends after the mount
  });

  it('passes every call on other fds to the host, fd -1 included before the mount exists', async () => {
    const s = await shimmed({ a: 'abc' });
    const [path, len] = s.str(300, 'a');
    expect(s.call('path_open', -1, 0, path!, len!, 0, 0n, 0n, 0, 400)).toBe(0);
    expect(s.call('fd_read', 1, 0, 0, 400)).toBe(52);
    expect(s.seen).toEqual(['path_open(-1,300,1)', 'fd_read(1,0,0,400)']);
  });

  it('opens, stats, seeks and closes embedded files without the host', async () => {
    const s = await shimmed({ a: 'abc', bb: '' });
    s.call('fd_prestat_get', 3, 100);
    s.call('fd_prestat_get', 4, 100);
    const before = s.seen.length;
    const [path, len] = s.str(300, './a');
    expect(s.call('path_open', 4, 0, path!, len!, 0, 0n, 0n, 0, 400)).toBe(0);
    const fd = s.memory.getUint32(400, true);
    expect(fd).toBe(FILE_FD_BASE);
    expect(s.call('fd_seek', fd, -1n, 2, 408)).toBe(0);
    expect(s.memory.getBigUint64(408, true)).toBe(2n);
    expect(s.call('fd_tell', fd, 408)).toBe(0);
    expect(s.memory.getBigUint64(408, true)).toBe(2n);
    expect(s.call('fd_seek', fd, -3n, 1, 408)).toBe(28);
    expect(s.call('fd_seek', fd, 0n, 3, 408)).toBe(28);
    expect(s.call('fd_filestat_get', fd, 500)).toBe(0);
    expect([s.memory.getUint8(516), s.memory.getBigUint64(532, true)]).toEqual([4, 3n]);
    expect(s.call('fd_fdstat_get', fd, 600)).toBe(0);
    expect(s.memory.getUint8(600)).toBe(4);
    expect(s.call('fd_fdstat_get', 4, 600)).toBe(0);
    expect(s.memory.getUint8(600)).toBe(3);
    const [dot, dotLen] = s.str(300, '.');
    expect(s.call('path_filestat_get', 4, 0, dot!, dotLen!, 500)).toBe(0);
    expect(s.memory.getUint8(516)).toBe(3);
    expect(s.call('path_open', 4, 0, dot!, dotLen!, 2, 0n, 0n, 0, 400)).toBe(58);
    const [bb, bbLen] = s.str(300, 'bb');
    expect(s.call('path_open', 4, 0, bb!, bbLen!, 1, 0n, 0n, 0, 400)).toBe(69); // O_CREAT
    expect(s.call('path_open', 4, 0, bb!, bbLen!, 2, 0n, 0n, 0, 400)).toBe(54); // O_DIRECTORY on a file
    expect(s.call('path_open', fd, 0, bb!, bbLen!, 0, 0n, 0n, 0, 400)).toBe(54); // a file as a directory
    expect(s.call('fd_read', 4, 0, 0, 400)).toBe(31);
    expect(s.call('fd_close', fd)).toBe(0);
    expect(s.call('fd_close', fd)).toBe(52); // closed: now the host's, which knows no such fd
    expect(s.seen.slice(before)).toEqual([`fd_close(${fd})`]);
  });
});
