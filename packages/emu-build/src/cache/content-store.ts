import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { C2wError, EnvironmentError, InputError } from '@c2w/errors';
import { DigestVerifier, writeAtomically } from '@c2w/streams';

export interface Expected {
  sha256: string;
  size: number;
}

/**
 * Files stored by their sha256 (`<root>/sha256/<hex>`), so a name can never point at the wrong
 * bytes and two builds share downloads. Entries are atomic outputs, committed only after their
 * digest and size matched.
 */
export class ContentStore {
  constructor(readonly root: string) {}

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new InputError(`invalid sha256 ${JSON.stringify(sha256)}`);
    return join(this.root, 'sha256', sha256);
  }

  async has(expected: Expected): Promise<boolean> {
    const st = await stat(this.pathOf(expected.sha256)).catch(() => undefined);
    return st !== undefined && st.isFile() && st.size === expected.size;
  }

  /** Re-hashes a stored file; a corrupted one is removed so the next fetch replaces it. */
  async verify(expected: Expected, what: string): Promise<boolean> {
    const path = this.pathOf(expected.sha256);
    const check = new DigestVerifier({ digest: `sha256:${expected.sha256}`, size: expected.size, what });
    try {
      await pipeline(createReadStream(path), check, async function* (src) { for await (const _ of src) { /* hash only */ } });
      return true;
    } catch (err) {
      if (err instanceof InputError) {
        await rm(path, { force: true });
        return false;
      }
      return false;
    }
  }

  /** Stores a stream under its expected digest; a mismatch fails and stores nothing. */
  async put(body: AsyncIterable<Uint8Array>, expected: Expected, what: string): Promise<string> {
    const path = this.pathOf(expected.sha256);
    await mkdir(dirname(path), { recursive: true });
    try {
      await writeAtomically(path, what, (out) => pipeline(Readable.from(body), new DigestVerifier({ digest: `sha256:${expected.sha256}`, size: expected.size, what }), out));
    } catch (err) {
      // Integrity and download failures (httpGet) already say what failed and where.
      if (err instanceof C2wError) throw err;
      throw new EnvironmentError(`storing ${what} in ${this.root} failed: ${(err as Error).message}`, { cause: err });
    }
    return path;
  }
}
