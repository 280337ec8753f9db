import binaryen from 'binaryen';

const { i32, i64 } = binaryen;

/** Parameter types of the preview1 functions the shim serves itself (each returns an i32 errno). */
export const SERVED: Record<string, readonly binaryen.Type[]> = {
  fd_prestat_get: [i32, i32],
  fd_prestat_dir_name: [i32, i32, i32],
  fd_fdstat_get: [i32, i32],
  fd_filestat_get: [i32, i32],
  path_filestat_get: [i32, i32, i32, i32, i32],
  path_open: [i32, i32, i32, i32, i32, i64, i64, i32, i32],
  fd_close: [i32],
  fd_read: [i32, i32, i32, i32],
  fd_pread: [i32, i32, i32, i64, i32],
  fd_seek: [i32, i64, i32, i32],
  fd_tell: [i32, i32],
};

/**
 * The other preview1 functions that take an fd: on the mount or an embedded file they fail with
 * `errno` (0: a harmless no-op) instead of reaching the host, which holds a placeholder under the
 * mount's fd number. `fds` are the parameter positions that are fds.
 */
export const GUARDED: Record<string, { fds: readonly number[]; errno: number }> = {
  fd_advise: { fds: [0], errno: 0 },
  fd_datasync: { fds: [0], errno: 0 },
  fd_sync: { fds: [0], errno: 0 },
  fd_allocate: { fds: [0], errno: 8 },
  fd_filestat_set_size: { fds: [0], errno: 8 },
  fd_filestat_set_times: { fds: [0], errno: 8 },
  fd_fdstat_set_flags: { fds: [0], errno: 58 },
  fd_fdstat_set_rights: { fds: [0], errno: 58 },
  fd_pwrite: { fds: [0], errno: 8 },
  fd_write: { fds: [0], errno: 8 },
  fd_readdir: { fds: [0], errno: 58 },
  fd_renumber: { fds: [0, 1], errno: 58 },
  path_create_directory: { fds: [0], errno: 69 },
  path_filestat_set_times: { fds: [0], errno: 69 },
  path_link: { fds: [0, 4], errno: 69 },
  path_readlink: { fds: [0], errno: 28 },
  path_remove_directory: { fds: [0], errno: 69 },
  path_rename: { fds: [0, 3], errno: 69 },
  path_symlink: { fds: [2], errno: 69 },
  path_unlink_file: { fds: [0], errno: 69 },
  sock_accept: { fds: [0], errno: 58 },
  sock_recv: { fds: [0], errno: 58 },
  sock_send: { fds: [0], errno: 58 },
  sock_shutdown: { fds: [0], errno: 58 },
};

/** Without these a module cannot open a file, so there is nothing to serve embedded files through. */
export const REQUIRED = ['fd_prestat_get', 'fd_prestat_dir_name', 'path_open'] as const;
