import { open } from 'node:fs/promises';
import { InputError } from '@c2w/errors';

export interface ElfDeps {
  /** e_machine (EM_RISCV 243, EM_X86_64 62). */
  machine: number;
  /** PT_INTERP, e.g. /lib/ld-linux-riscv64-lp64d.so.1; undefined for static binaries. */
  interp?: string;
  /** DT_NEEDED sonames. */
  needed: string[];
}

/**
 * The machine type and dynamic dependencies of a 64-bit little-endian ELF file (ELF-64 spec: program headers,
 * PT_INTERP, PT_DYNAMIC with DT_NEEDED / DT_STRTAB), read with positioned reads so a 10 MB binary
 * is never loaded whole. Returns undefined for files that are not ELF.
 */
export async function elfDeps(path: string, what: string): Promise<ElfDeps | undefined> {
  const fh = await open(path, 'r');
  try {
    const read = async (pos: number, len: number): Promise<Buffer> => {
      const buf = Buffer.alloc(len);
      const { bytesRead } = await fh.read(buf, 0, len, pos);
      if (bytesRead < len) throw new InputError(`${what}: ELF data out of range (offset ${pos})`);
      return buf;
    };
    const size = (await fh.stat()).size;
    if (size < 64) return undefined;
    const h = await read(0, 64);
    if (h.readUInt32BE(0) !== 0x7f454c46) return undefined;
    if (h[4] !== 2 || h[5] !== 1) throw new InputError(`${what}: not a 64-bit little-endian ELF file`);
    const machine = h.readUInt16LE(0x12);
    const phoff = Number(h.readBigUInt64LE(0x20));
    const phentsize = h.readUInt16LE(0x36);
    const phnum = h.readUInt16LE(0x38);
    const loads: Array<{ vaddr: number; offset: number; filesz: number }> = [];
    let interp: string | undefined;
    let dynamic: { offset: number; filesz: number } | undefined;
    for (let i = 0; i < phnum; i++) {
      const ph = await read(phoff + i * phentsize, 56);
      const type = ph.readUInt32LE(0);
      const offset = Number(ph.readBigUInt64LE(8));
      const vaddr = Number(ph.readBigUInt64LE(16));
      const filesz = Number(ph.readBigUInt64LE(32));
      if (type === 1) loads.push({ vaddr, offset, filesz });
      if (type === 3) interp = (await read(offset, filesz)).toString('latin1').replace(/\0.*$/s, '');
      if (type === 2) dynamic = { offset, filesz };
    }
    if (!dynamic) return { machine, interp, needed: [] };
    const dyn = await read(dynamic.offset, dynamic.filesz);
    const neededOffsets: number[] = [];
    let strtab: number | undefined;
    for (let at = 0; at + 16 <= dyn.length; at += 16) {
      const tag = dyn.readBigInt64LE(at);
      const val = Number(dyn.readBigUInt64LE(at + 8));
      if (tag === 0n) break;
      if (tag === 1n) neededOffsets.push(val);
      if (tag === 5n) strtab = val;
    }
    if (!neededOffsets.length) return { machine, interp, needed: [] };
    const seg = loads.find((l) => strtab !== undefined && strtab >= l.vaddr && strtab < l.vaddr + l.filesz);
    if (!seg || strtab === undefined) throw new InputError(`${what}: DT_STRTAB is not in a loaded segment`);
    const base = strtab - seg.vaddr + seg.offset;
    const needed: string[] = [];
    for (const off of neededOffsets) {
      const chunk = await read(base + off, Math.min(256, size - base - off));
      const end = chunk.indexOf(0);
      if (end <= 0) throw new InputError(`${what}: bad DT_NEEDED string`);
      needed.push(chunk.subarray(0, end).toString('latin1'));
    }
    return { machine, interp, needed };
  } finally {
    await fh.close();
  }
}
