import { EnvironmentError } from '@c2w/errors';

/**
 * GET a URL and return its body as a stream. Failures are environment errors (exit 3): the mirror
 * is unreachable or does not have the file; integrity is checked by the caller.
 */
export async function httpGet(url: string, what: string): Promise<AsyncIterable<Uint8Array>> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new EnvironmentError(`fetching ${what} from ${url} failed: ${cause?.code ?? cause?.message ?? (err as Error).message}`, { cause: err });
  }
  if (!res.ok || !res.body) throw new EnvironmentError(`fetching ${what} from ${url} failed: HTTP ${res.status}`);
  return bodyOf(res.body as unknown as AsyncIterable<Uint8Array>, url, what);
}

/** The body, with a connection lost mid-body (fetch's bare TypeError "terminated") as an environment error. */
async function* bodyOf(body: AsyncIterable<Uint8Array>, url: string, what: string): AsyncIterable<Uint8Array> {
  let bytes = 0;
  try {
    for await (const chunk of body) {
      bytes += chunk.length;
      yield chunk;
    }
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new EnvironmentError(`fetching ${what} from ${url} failed after ${bytes} bytes: ${cause?.message ?? (err as Error).message}`, { cause: err });
  }
}
