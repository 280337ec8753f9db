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
  return res.body as unknown as AsyncIterable<Uint8Array>;
}
