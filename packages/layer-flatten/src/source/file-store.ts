import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { EnvironmentError, InputError } from '@c2w/errors';
import { findTarMember, indexTarFile, openTarMember, type TarIndex } from '@c2w/streams';

/** Read access to the files of an OCI layout, whether it is a directory or an archive of one. */
export interface FileStore {
  readonly description: string;
  /** Size in bytes, or undefined when the file does not exist. */
  size(name: string): Promise<number | undefined>;
  open(name: string): Promise<Readable>;
}

export function directoryStore(dir: string): FileStore {
  return {
    description: dir,
    async size(name) {
      try {
        const st = await stat(join(dir, name));
        return st.isFile() ? st.size : undefined;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
        throw new EnvironmentError(`cannot read ${join(dir, name)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
      }
    },
    async open(name) {
      return createReadStream(join(dir, name), { highWaterMark: 1 << 20 });
    },
  };
}

/**
 * The members of a tar archive, located by one pass over its headers and then read by offset:
 * nothing is extracted to disk and no member is held in memory.
 */
export async function archiveStore(file: string, what: string): Promise<FileStore> {
  let index: TarIndex;
  try {
    index = await indexTarFile(file, what);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${what} ${file} does not exist`, { cause: err });
    if (code === 'EISDIR') throw new InputError(`${what} ${file} is a directory, expected a tar file`, { cause: err });
    if (code) throw new EnvironmentError(`cannot read ${what} ${file}: ${code}`, { cause: err });
    throw err;
  }
  const find = (name: string) => {
    try {
      return findTarMember(index, name, what);
    } catch {
      return undefined;
    }
  };
  return {
    description: file,
    async size(name) {
      return find(name)?.size;
    },
    async open(name) {
      return openTarMember(file, findTarMember(index, name, what));
    },
  };
}

export async function readStoreFile(store: FileStore, name: string, what: string, limit = 16 << 20): Promise<Buffer> {
  const size = await store.size(name);
  if (size === undefined) throw new InputError(`${what}: ${store.description} has no ${name}`);
  if (size > limit) throw new InputError(`${what}: ${name} is ${size} bytes, too large`);
  const parts: Buffer[] = [];
  for await (const chunk of await store.open(name)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}
