/**
 * The few numbers of WASI preview1 (wasi_snapshot_preview1 witx) that the shim needs: errno values,
 * file types, open flags, rights bits and the layouts of the structs it writes.
 */
export const Errno = {
  success: 0, badf: 8, fault: 21, inval: 28, isdir: 31, mfile: 33, noent: 44, notdir: 54, notsup: 58, rofs: 69, spipe: 70,
} as const;

export const FileType = { directory: 3, regularFile: 4 } as const;

export const OFlags = { creat: 1, directory: 2, excl: 4, trunc: 8 } as const;

const bit = (n: number): bigint => 1n << BigInt(n);
/** fd_read, fd_seek, fd_tell, fd_advise, fd_filestat_get, poll_fd_readwrite. */
export const FILE_RIGHTS = bit(1) | bit(2) | bit(5) | bit(7) | bit(21) | bit(27);
/** path_open, path_filestat_get, fd_filestat_get. */
export const DIR_RIGHTS = bit(13) | bit(18) | bit(21);

/** prestat: u8 tag (0 = dir) at 0, u32 name length at 4. */
export const PRESTAT = { tag: 0, nameLength: 4 } as const;
/** fdstat: u8 filetype, u16 flags, u64 rights base, u64 rights inheriting. */
export const FDSTAT = { filetype: 0, flags: 2, rightsBase: 8, rightsInheriting: 16 } as const;
/** filestat: dev, ino, u8 filetype, nlink, size, atim, mtim, ctim (64 bytes). */
export const FILESTAT = { dev: 0, ino: 8, filetype: 16, nlink: 24, size: 32, atim: 40, mtim: 48, ctim: 56 } as const;

/** Guest fds of opened embedded files: far above what a host allocates, so they never collide. */
export const FILE_FD_BASE = 0x40000000;
/** How many embedded files may be open at once (each slot is two globals). */
export const OPEN_SLOTS = 64;
/** st_dev of embedded files, "c2wv": a constant so stat output is deterministic. */
export const EMBED_DEV = 0x63327776;
