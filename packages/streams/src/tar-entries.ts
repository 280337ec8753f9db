import { InputError, withContext } from '@c2w/errors';
import { nameByteLength } from './byte-names.js';
import { archivePath } from './safe-path.js';
import { NAME_MAX } from './tar-image-inputs.js';
import { TarEvent, TarParser } from './tar-parser.js';
import type { TarHeader } from './tar-types.js';

/** What an image builder does with one tar's entries, in order (iso-pack, erofs-pack). */
export interface TarEntrySink {
  /** A new entry at its canonical image path (grafted); its body, if any, follows. */
  entry(path: string, header: TarHeader): void | Promise<void>;
  /** Body bytes: views of the input's reads, to be copied (or compared) before this returns or its promise settles. */
  body(bytes: Buffer): void | Promise<void>;
  /** The entry is complete (its whole body was given). */
  end(): void | Promise<void>;
}

/**
 * Streams one tar through SINK, its root grafted under GRAFT ('' = the image root). Paths are
 * canonical (no `..`, absolute names re-rooted); any error names the input and the entry, once.
 */
export async function feedTarEntries(source: AsyncIterable<Uint8Array>, what: string, graft: string, sink: TarEntrySink): Promise<void> {
  const parser = new TarParser(what);
  let name = '';
  const inEntry = (err: unknown): Error => withContext(`${what}: entry ${JSON.stringify(name)}`, err);
  for await (const chunk of source) {
    parser.push(chunk);
    for (let e = parser.next(); e !== TarEvent.NeedMore; e = parser.next()) {
      try {
        if (e === TarEvent.Data) {
          const wait = sink.body(parser.data);
          if (wait) await wait;
        } else if (e === TarEvent.Entry) {
          const header = parser.header;
          name = header.name; // the raw name in messages until it is known to be safe
          name = archivePath(header.name);
          const wait = sink.entry(graftPath(graft, name), header);
          if (wait) await wait;
        } else {
          const wait = sink.end();
          if (wait) await wait;
          name = '';
        }
      } catch (err) {
        throw inEntry(err);
      }
    }
  }
  try {
    parser.end();
  } catch (err) {
    throw name === '' ? err : inEntry(err);
  }
}

/** PATH under the graft directory GRAFT ('' = the root). */
export function graftPath(graft: string, path: string): string {
  if (graft === '') return path;
  return path === '' ? graft : `${graft}/${path}`;
}

/** A tar time in whole seconds (0 when absent or not a time). */
export function mtimeSeconds(mtime: Date | undefined): number {
  const t = mtime?.getTime() ?? 0;
  return Number.isFinite(t) ? Math.floor(t / 1000) : 0;
}

/**
 * `name` as a string of its own: V8 keeps a long substring as a view that holds on to the whole
 * path, which would retain every entry's full path for the life of an image tree.
 */
export function detachedName(name: string, path: string): string {
  return name.length >= 13 && name.length < path.length ? JSON.parse(JSON.stringify(name)) as string : name;
}

/** NAME, refused when longer than Linux's NAME_MAX in bytes. */
export function checkedNameLength(name: string): string {
  // a UTF-16 unit is at most 3 bytes, so short names skip the count
  if (name.length > NAME_MAX / 3) {
    const bytes = nameByteLength(name);
    if (bytes > NAME_MAX) throw new InputError(`a name component of ${bytes} bytes, expected at most ${NAME_MAX} (Linux NAME_MAX)`);
  }
  return name;
}
