import { existsSync } from 'node:fs';
import { InputError, UsageError } from '@c2w/errors';
import { assertReadableFile } from './open-input.js';
import { archivePath } from './safe-path.js';
import { nameByteLength } from './byte-names.js';
import { readFileChunks } from './file-chunks.js';
import { createSeekableOutput } from './seekable-output.js';

/** Linux's NAME_MAX (EROFS_NAME_LEN; a longer Rock Ridge name cannot be looked up): the longest name component an image packer accepts. */
export const NAME_MAX = 255;

export interface InputSpec { path: string; graft: string }

/** One tar input of an image packer (iso-pack, erofs-pack): its bytes, where it goes, how to name it. */
export interface TarImageInput { source: AsyncIterable<Uint8Array>; graft: string; what: string }

/**
 * `FILE` or `FILE:/DIR` (the tar's root becomes DIR in the image). A FILE that itself contains
 * `:/` and exists is taken as a plain file.
 */
export function parseInputSpec(spec: string): InputSpec {
  const at = spec.lastIndexOf(':/');
  if (at <= 0 || existsSync(spec)) return { path: spec, graft: '' };
  const graft = spec.slice(at + 1);
  try {
    const canonical = archivePath(graft, 'graft');
    const long = canonical.split('/').find((c) => nameByteLength(c) > NAME_MAX);
    if (long !== undefined) throw new Error(`a name component of ${nameByteLength(long)} bytes, expected at most ${NAME_MAX} (Linux NAME_MAX)`);
    return { path: spec.slice(0, at), graft: canonical };
  } catch (err) {
    throw new UsageError(`bad graft point in ${JSON.stringify(spec)}: ${(err as Error).message}`);
  }
}

export interface TarImageJob<R> {
  /** The command line's INPUT specs, in order. */
  specs: string[];
  /** -o: a file, or - for stdout (spooled to $TMPDIR first). */
  output: string;
  tool: string;
  /** The spool's extension when the output is stdout. */
  extension: string;
  allowEmpty: boolean;
  pack: (inputs: TarImageInput[], handle: import('node:fs/promises').FileHandle) => Promise<R>;
}

/**
 * The shared run of a tar-in, image-out packer: checks the inputs, writes the image through a
 * seekable output that appears only when complete, and refuses an input without entries (what a
 * failed stage upstream of a pipe looks like) unless allowed.
 */
export async function packTarImage<R>(job: TarImageJob<R>): Promise<R> {
  const specs = job.specs.map(parseInputSpec); // in order, repeats included
  if (specs.length === 0) throw new UsageError('no INPUT given, expected one or more tar files or -');
  if (specs.filter((s) => s.path === '-').length > 1) throw new UsageError('stdin (-) can be read only once');
  for (const s of specs) if (s.path !== '-') await assertReadableFile(s.path, 'input');

  const watched = specs.map((s) => ({ spec: s, what: s.path === '-' ? 'stdin' : `input ${s.path}`, entries: false }));
  const inputs: TarImageInput[] = watched.map((w) => ({
    source: noticeEntries(w.spec.path === '-' ? process.stdin : readFileChunks(w.spec.path), w),
    graft: w.spec.graft,
    what: w.what,
  }));
  const out = await createSeekableOutput(job.output, job.tool, job.extension);
  try {
    const result = await job.pack(inputs, out.handle);
    const empty = job.allowEmpty ? undefined : watched.find((w) => !w.entries);
    if (empty) throw new InputError(`no entries in ${empty.what}: expected a tar with at least one entry (--allow-empty accepts an empty one)`);
    await out.commit();
    return result;
  } catch (err) {
    await out.abort();
    throw out.blame(err); // a full disk names the image (or the spool in $TMPDIR), not the entry being copied
  }
}

/**
 * Passes a tar's bytes through and notes whether it has an entry: a tar without entries is nothing
 * but zero blocks (or no bytes at all), and any header has non-zero bytes (its magic, its checksum).
 */
async function* noticeEntries(source: AsyncIterable<Uint8Array>, seen: { entries: boolean }): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    if (!seen.entries && chunk.some((b) => b !== 0)) seen.entries = true;
    yield chunk;
  }
}
