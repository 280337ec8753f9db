// The machine's `--config FILE`: a JSON object whose keys mirror the command line; every problem is
// an InputError naming the file (and line and column for bad JSON), as the native build reports it.
import { readFileSync } from 'node:fs';
import { InputError } from '@c2w/errors';
import { jsonErrorAt } from './json-error.js';
import { asArch, type DriveOption, type MachineOptions } from './options.js';
import { parseShare } from './share-option.js';

const JSON_KEYS = new Set(['arch', 'memory', 'bios', 'kernel', 'initrd', 'append', 'drives', 'shares', 'virtio_console', 'stdin_port', 'icount', 'jit', 'quiet_firmware', 'console_gate']);

/** Applies a `--config` JSON file (keys as the native build's config.c reads them) to `opts`. */
export function applyConfigFile(opts: Partial<MachineOptions>, file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new InputError(`cannot open config '${file}': ${err.code === 'ENOENT' ? 'No such file or directory' : err.message}`, { cause: e });
  }
  let cfg: unknown;
  try {
    cfg = JSON.parse(text);
  } catch (e) {
    const at = jsonErrorAt(text);
    // one line, like the native build: JSON.parse may quote the input, newlines and all
    throw new InputError(at ? `config '${file}' line ${at.line} column ${at.column}: ${at.message}`
      : `config '${file}': ${(e as Error).message.replace(/\s+/g, ' ')}`);
  }
  if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg)) throw new InputError(`config '${file}': expected a JSON object`);
  const c = cfg as Record<string, unknown>;
  for (const k of Object.keys(c)) if (!JSON_KEYS.has(k)) throw new InputError(`config '${file}': unknown key "${k}"`);
  const str = (k: string): string | undefined => {
    const v = c[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new InputError(`config '${file}': "${k}" must be a string`);
    return v;
  };
  if (c.arch !== undefined) {
    opts.arch = asArch(c.arch);
    if (opts.arch === undefined) throw new InputError(`config '${file}': unknown arch ${JSON.stringify(c.arch)} (expected "riscv64" or "x86_64")`);
  }
  if (c.memory !== undefined) opts.memory = typeof c.memory === 'number' ? `${c.memory}M` : str('memory');
  for (const k of ['bios', 'kernel', 'initrd', 'append'] as const) {
    const v = str(k);
    if (v !== undefined) opts[k] = v;
  }
  if (c.drives !== undefined) {
    if (!Array.isArray(c.drives)) throw new InputError(`config '${file}': "drives" must be an array`);
    opts.drives = [...(opts.drives ?? [])];
    for (const d of c.drives as unknown[]) {
      if (typeof d === 'string') opts.drives.push({ path: d });
      else if (typeof d === 'object' && d !== null && typeof (d as DriveOption).path === 'string')
        opts.drives.push({ path: (d as DriveOption).path, readonly: Boolean((d as DriveOption).readonly), ...((d as DriveOption).volatile ? { volatile: true } : {}) });
      else throw new InputError(`config '${file}': bad drive entry`);
    }
  }
  if (c.shares !== undefined) {
    if (!Array.isArray(c.shares)) throw new InputError(`config '${file}': "shares" must be an array`);
    opts.shares = [...(opts.shares ?? [])];
    for (const s of c.shares as unknown[]) {
      if (typeof s === 'string') opts.shares.push(parseShare(s));
      else if (typeof s === 'object' && s !== null && typeof (s as { path?: unknown }).path === 'string' && typeof (s as { tag?: unknown }).tag === 'string') {
        const o = s as { path: string; tag: string; readonly?: unknown };
        opts.shares.push({ hostPath: o.path, tag: o.tag, readonly: Boolean(o.readonly) });
      } else throw new InputError(`config '${file}': bad share entry (expected "DIR,tag=TAG[,ro]" or {"path", "tag", "readonly"})`);
    }
  }
  if (c.virtio_console !== undefined) opts.virtioConsole = Boolean(c.virtio_console);
  if (c['stdin_port'] !== undefined) opts.stdinPort = Boolean(c['stdin_port']);
  if (c.icount !== undefined) opts.icount = Boolean(c.icount);
  if (c.jit !== undefined) opts.jit = Boolean(c.jit);
  if (c['quiet_firmware'] !== undefined) opts.quietFirmware = Boolean(c['quiet_firmware']);
  if (c['console_gate'] !== undefined) opts.consoleGate = Boolean(c['console_gate']);
}

