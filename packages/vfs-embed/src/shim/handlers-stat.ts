import binaryen from 'binaryen';
import { fileIno, type HandlerKit } from './handler-kit.js';
import { N } from './names.js';
import { i64Const } from './state.js';
import { DIR_RIGHTS, FDSTAT, FILE_RIGHTS, FileType } from './wasi-abi.js';

const { i64, none } = binaryen;

/** fd_fdstat_get and fd_filestat_get: the mount is a directory, embedded files are read-only files. */
export const HANDLERS: Record<string, (kit: HandlerKit) => void> = {
  fd_fdstat_get: ({ m, f, isDir, isFile, ok, body }) => {
    const fdstat = (type: number, base: bigint, inheriting: bigint) => m.block(null, [
      m.memory.fill(f.param(1), m.i32.const(0), m.i32.const(24)),
      m.i32.store8(FDSTAT.filetype, 1, f.param(1), m.i32.const(type)),
      m.i64.store(FDSTAT.rightsBase, 8, f.param(1), i64Const(m, base)),
      m.i64.store(FDSTAT.rightsInheriting, 8, f.param(1), i64Const(m, inheriting)),
      ok(),
    ]);
    body(m.if(isDir(), fdstat(FileType.directory, DIR_RIGHTS, FILE_RIGHTS | DIR_RIGHTS)), m.if(isFile(), fdstat(FileType.regularFile, FILE_RIGHTS, 0n)));
  },
  fd_filestat_get: ({ m, f, isDir, isFile, fileOf, ok, body }) => {
    body(
      m.if(isDir(), m.block(null, [m.call(N.writeStat, [f.param(1), i64Const(m, 1), m.i32.const(FileType.directory), i64Const(m, 0)], none), ok()])),
      m.if(isFile(), m.block(null, [m.call(N.writeStat, [f.param(1), fileIno(m, fileOf()), m.i32.const(FileType.regularFile), m.call(N.fileSize, [fileOf()], i64)], none), ok()])),
    );
  },
};
