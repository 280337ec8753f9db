import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { InputError } from '@c2w/errors';

export const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Validates a digest before any path or URL is built from it. */
export function assertDigest(digest: unknown, where: string): asserts digest is string {
  if (typeof digest !== 'string' || !SHA256_DIGEST.test(digest)) {
    throw new InputError(`${where}: invalid digest ${JSON.stringify(digest)}, expected sha256:<64 hex>`);
  }
}

export interface VerifyOptions {
  /** `sha256:<hex>`; omitted means hash only (read `digest` after the stream ends). */
  digest?: string;
  /** Exact byte count; -1 or omitted means unknown. */
  size?: number;
  /** Used in error messages: `blob sha256:... of layer 2`. */
  what: string;
}

/**
 * Pass-through that hashes and counts what flows through it and fails the stream at its end on a
 * mismatch (umoci's VerifiedReadCloser). Oversized input fails as soon as it is detected.
 */
export class DigestVerifier extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;
  digest = '';

  constructor(private readonly opts: VerifyOptions) {
    super();
  }

  get bytes(): number {
    return this.count;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.count += chunk.length;
    const { size } = this.opts;
    if (size !== undefined && size >= 0 && this.count > size) {
      cb(new InputError(`${this.opts.what}: more than the declared ${size} bytes`));
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    const { size, digest, what } = this.opts;
    this.digest = `sha256:${this.hash.digest('hex')}`;
    if (size !== undefined && size >= 0 && this.count !== size) {
      cb(new InputError(`${what}: size ${this.count} bytes, expected ${size} (truncated?)`));
      return;
    }
    if (digest !== undefined && digest !== this.digest) {
      cb(new InputError(`${what}: digest mismatch, got ${this.digest}, expected ${digest}`));
      return;
    }
    cb();
  }
}
