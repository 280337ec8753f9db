// The riscv64 board's device tree (native/riscv64/fdt.c), read back by dtc: every node's
// "compatible" is its first property, and a cold boot lists only the virtio-mmio slots that hold a
// device; a snapshot boot lists all of them, since its run binds devices later (docs/decisions/0067).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pkgDir } from './helpers.js';

const native = join(pkgDir, 'native');
let dir: string;
let exe: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fdt-'));
  exe = join(dir, 'fdt-dump');
  const cc = spawnSync('gcc', ['-O1', `-I${join(native, 'riscv64')}`, `-I${join(native, 'common')}`, '-o', exe,
    join(pkgDir, 'test', 'fdt-dump.c'), join(native, 'riscv64', 'fdt.c')], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`building test/fdt-dump.c failed: ${cc.stderr}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The device tree as dtc prints it (dts), for a machine with devices in these virtio slots. */
function dts(args: string[]): string {
  const dtb = spawnSync(exe, args);
  if (dtb.status !== 0) throw new Error(`fdt-dump ${args.join(' ')} failed`);
  const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts'], { input: dtb.stdout, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dtc: ${r.stderr}`);
  return r.stdout;
}

/** Each node's name and its properties' names, in order. */
function nodes(text: string): Array<{ name: string; props: string[] }> {
  const out: Array<{ name: string; props: string[] }> = [];
  const stack: Array<{ name: string; props: string[] }> = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    const open = /^(\S+) \{$/.exec(line);
    if (open) { const n = { name: open[1]!, props: [] }; stack.push(n); out.push(n); continue; }
    if (line === '};') { stack.pop(); continue; }
    const prop = /^([#\w,.-]+)( = .*)?;$/.exec(line);
    if (prop && stack.length) stack.at(-1)!.props.push(prop[1]!);
  }
  return out;
}

const virtio = (text: string) => nodes(text).filter((n) => n.name.startsWith('virtio_mmio@')).map((n) => n.name);

describe('the device tree', () => {
  it('puts "compatible" first in every node that has one (OpenSBI reads it per node and driver)', () => {
    const all = nodes(dts(['7', '6', '5']));
    const withCompatible = all.filter((n) => n.props.includes('compatible'));
    expect(withCompatible.length).toBeGreaterThanOrEqual(12);
    for (const n of withCompatible) expect({ node: n.name, first: n.props[0] }).toEqual({ node: n.name, first: 'compatible' });
  });

  it('lists only the virtio-mmio slots that hold a device in a cold boot, every slot in a snapshot boot', () => {
    expect(virtio(dts(['7', '6', '5']))).toEqual(['virtio_mmio@10008000', 'virtio_mmio@10007000', 'virtio_mmio@10006000']);
    expect(virtio(dts([]))).toEqual([]);
    expect(virtio(dts(['snapshot', '7']))).toHaveLength(8);
  });
});
