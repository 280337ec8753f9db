import { basename, dirname } from 'node:path/posix';
import { buildArgs, type TerminalSize } from '@c2w/machine';
import { resolveUserIds } from '../convert/user-db.js';
import type { HostMount } from '../run/mounts.js';
import { bootFiles, type LoadedBundle } from '../run/read-bundle.js';

/** Files up to this size are fetched whole before the machine starts; larger ones by range. */
export const WHOLE_FILE_MAX = 16 * 1024 * 1024;

/**
 * The page's host files: an in-memory directory in the worker (files dropped on the page), shared
 * read-write over virtio-9p at a fixed guest path, so the page needs no mount syntax.
 */
export const HOST_FILES: HostMount = { hostPath: '/host', destination: '/mnt/host', readonly: false, tag: 'c2w0' };

/** A file the worker presents to the machine: where the machine opens it and where to fetch it. */
export interface WebFile {
  guest: string;
  /** Relative to the page, so the same plan works from a static directory; null: see below. */
  url: string | null;
  /** A disk cut in files (static directories): chunk i holds bytes [i * size, (i + 1) * size). */
  chunks?: { size: number; urls: string[] };
  /** The run channel, written by the page from this request file (static directories). */
  request?: string;
  /** Bytes, or null when only the fetch tells (the run channel). */
  size: number | null;
  /** Fetch it all up front (firmware, kernel, the channel) or read it by HTTP ranges (disks). */
  whole: boolean;
}

/** What the page's worker needs to start the machine: its command line and its files. */
export interface WebRunPlan {
  argv: string[];
  wasm: { url: string; size: number };
  files: WebFile[];
  /** Where the machine opens the host-files directory (a WASI preopen) and where the container sees it. */
  hostFiles: { guest: string; destination: string };
  /** The machine's --winsize channel (bundles whose init gives the container a pty): the worker answers it. */
  winsize?: string;
}

/** A stand-in for buildArgs: the page's worker, not this process, answers the size channel. */
const PAGE_TERMINAL: TerminalSize = { size: () => ({ rows: 0, cols: 0 }), onResize: () => () => undefined };

/**
 * The machine's command line for a page, built by the Node host's own buildArgs from stand-in
 * paths: bundle parts under /bundle (served at bundle/NAME) and the run channel under /run
 * (served at channel.tar?QUERY, the same bytes c2w run writes for that request).
 */
export function webRunPlan(b: LoadedBundle, query: string): WebRunPlan {
  const part = (name: string) => `/bundle/${name}`;
  const channel = '/run/channel.tar';
  const { arch } = b.bundle.machine;
  const { firmware } = b.bundle.boot;
  const { args, preopens } = buildArgs({
    ...(arch !== 'riscv64' ? { arch } : {}),
    memory: b.bundle.machine.memory,
    ...(firmware !== undefined ? { bios: part(firmware) } : {}),
    kernel: part(b.bundle.boot.kernel),
    append: b.bundle.boot.append,
    drives: [...b.bundle.disks.map((d) => ({ path: part(d.file), readonly: d.readonly })), { path: channel, readonly: true }],
    quietFirmware: true,
    consoleGate: b.bundle.boot.consoleGate,
    // owned by the container's user, so it may write there (WASI files have no owner)
    shares: [{ ...HOST_FILES, ...shareOwner(b, query) }],
    ...(b.bundle.boot.tty ? { winsize: PAGE_TERMINAL } : {}),
  });
  const guestDir = new Map(Object.entries(preopens).map(([guest, host]) => [host, guest]));
  const guestPath = (host: string) => `${guestDir.get(dirname(host))}/${basename(host)}`;
  const files: WebFile[] = [...bootFiles(b.bundle), ...b.bundle.disks.map((d) => d.file)].map((name) => {
    const size = b.bundle.files[name]!.size;
    return { guest: guestPath(part(name)), url: partUrl(b, name), size, whole: size <= WHOLE_FILE_MAX };
  });
  files.push({ guest: guestPath(channel), url: `channel.tar${query ? `?${query}` : ''}`, size: null, whole: true });
  const wasm = b.bundle.machine.wasm;
  const hostFiles = { guest: guestDir.get(HOST_FILES.hostPath)!, destination: HOST_FILES.destination };
  const at = args.indexOf('--winsize');
  const winsize = at >= 0 ? args[at + 1] : undefined;
  return { argv: args, wasm: { url: partUrl(b, wasm), size: b.bundle.files[wasm]!.size }, files, hostFiles, ...(winsize ? { winsize } : {}) };
}

/** The ids the container runs as for this query (`user`, else the image's User), as runRequest resolves them. */
function shareOwner(b: LoadedBundle, query: string): { uid: number; gid: number } {
  const user = new URLSearchParams(query).get('user') || b.imageConfig.config?.User || '';
  return resolveUserIds(user, { users: b.bundle.image.users, groups: b.bundle.image.groups });
}

/**
 * A part's URL names its content (`?v=` and the digest's first 16 hex digits), so the browser may
 * keep what it fetched, ranges included, across reloads: a reconverted bundle gets new URLs.
 */
export function partUrl(b: LoadedBundle, name: string): string {
  return `bundle/${encodeURIComponent(name)}?v=${partVersion(b, name)}`;
}

export const partVersion = (b: LoadedBundle, name: string): string => b.bundle.files[name]!.digest.replace(/^sha256:/, '').slice(0, 16);
