import { EnvironmentError, InputError, UsageError } from '@c2w/errors';
import { parseChallenges } from './auth-challenge.js';
import type { Credentials } from './credentials.js';
import { apiHost, isLoopback } from './image-reference.js';

export interface RegistryClientOptions {
  credentials?: Credentials | undefined;
  /** Plain http for any host (loopback hosts always use http). */
  insecure?: boolean;
  /** Attempts for 5xx, 429 and network errors, with exponential backoff. */
  attempts?: number;
  backoffMs?: number;
  fetch?: typeof fetch;
}

const MAX_REDIRECTS = 5;

/**
 * The part of the OCI distribution API a puller needs: GET with Accept, the WWW-Authenticate
 * challenge (Bearer token from the realm, or Basic), redirects followed by hand so Authorization
 * never leaves the registry's host, and bounded retries with backoff on 5xx and network errors.
 */
export class RegistryClient {
  readonly base: URL;
  private authorization: string | undefined;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly fetch: typeof fetch;

  constructor(readonly registry: string, readonly repository: string, private readonly options: RegistryClientOptions = {}) {
    const host = apiHost(registry);
    const scheme = options.insecure || isLoopback(host) ? 'http' : 'https';
    this.base = new URL(`${scheme}://${host}/v2/`);
    this.attempts = options.attempts ?? 4;
    this.backoffMs = options.backoffMs ?? 250;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** GET /v2/<repo>/<path>; resolves to a 2xx response, anything else is an error with a reason. */
  async get(path: string, accept: string | undefined, what: string): Promise<Response> {
    const url = new URL(`${this.repository}/${path}`, this.base);
    let authTried = false;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await this.followRedirects(url, accept);
      } catch (err) {
        if (err instanceof UsageError || err instanceof InputError) throw err;
        if (attempt < this.attempts) {
          await sleep(this.backoffMs * 2 ** (attempt - 1));
          continue;
        }
        throw new EnvironmentError(`${what}: cannot reach ${url.host}: ${networkReason(err)}`, { cause: err });
      }
      if (res.ok) return res;
      await res.body?.cancel().catch(() => undefined);
      if (res.status === 401 && !authTried) {
        authTried = true;
        await this.authenticate(res.headers.get('www-authenticate') ?? '', what);
        attempt--;
        continue;
      }
      if ((res.status >= 500 || res.status === 429) && attempt < this.attempts) {
        await sleep(this.backoffMs * 2 ** (attempt - 1));
        continue;
      }
      const status = `HTTP ${res.status}`;
      if (res.status === 404) throw new InputError(`${what}: not found on ${this.registry} (${status})`);
      if (res.status === 401 || res.status === 403) throw new EnvironmentError(`${what}: access denied by ${this.registry} (${status}); check credentials`);
      if (res.status >= 500 || res.status === 429) throw new EnvironmentError(`${what}: ${this.registry} failed (${status}) after ${this.attempts} attempts`);
      throw new InputError(`${what}: ${this.registry} refused the request (${status})`);
    }
  }

  private async followRedirects(start: URL, accept: string | undefined): Promise<Response> {
    let url = start;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const headers: Record<string, string> = { 'user-agent': 'c2w-layer-flatten' };
      if (accept) headers['accept'] = accept;
      // Credentials are for the registry only: a blob redirect to a CDN or another host gets none.
      if (this.authorization && url.host === this.base.host) headers['authorization'] = this.authorization;
      const res = await this.fetch(url, { headers, redirect: 'manual' });
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return res;
      await res.body?.cancel().catch(() => undefined);
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && !(this.options.insecure || isLoopback(next.host))) {
        throw new InputError(`registry redirected to ${next.protocol}//${next.host}: refusing an insecure redirect (use --insecure)`);
      }
      url = next;
    }
    throw new InputError(`registry ${this.registry}: more than ${MAX_REDIRECTS} redirects`);
  }

  private async authenticate(header: string, what: string): Promise<void> {
    const challenges = parseChallenges(header);
    const creds = this.options.credentials;
    const basic = creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` : undefined;
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer) {
      this.authorization = `Bearer ${await this.fetchToken(bearer.params, basic, what)}`;
      return;
    }
    if (challenges.some((c) => c.scheme === 'basic') && basic) {
      this.authorization = basic;
      return;
    }
    throw new EnvironmentError(`${what}: ${this.registry} requires authentication (${header || 'no challenge'}); give --creds or log in with docker/skopeo`);
  }

  private async fetchToken(params: Record<string, string>, basic: string | undefined, what: string): Promise<string> {
    const realm = params['realm'];
    if (!realm) throw new EnvironmentError(`${what}: Bearer challenge without a realm`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new EnvironmentError(`${what}: invalid token realm ${JSON.stringify(realm)}`);
    }
    if (url.protocol !== 'https:' && !(this.options.insecure || isLoopback(url.host))) {
      throw new EnvironmentError(`${what}: token realm ${url.origin} is not https (use --insecure to allow it)`);
    }
    if (params['service']) url.searchParams.set('service', params['service']);
    url.searchParams.set('scope', params['scope'] ?? `repository:${this.repository}:pull`);
    const headers: Record<string, string> = { 'user-agent': 'c2w-layer-flatten' };
    if (basic) headers['authorization'] = basic;
    let res: Response;
    try {
      res = await this.fetch(url, { headers });
    } catch (err) {
      throw new EnvironmentError(`${what}: cannot reach token service ${url.host}: ${networkReason(err)}`, { cause: err });
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new EnvironmentError(`${what}: token service ${url.host} answered HTTP ${res.status}; check credentials`);
    }
    const body = (await res.json().catch(() => ({}))) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new EnvironmentError(`${what}: token service ${url.host} returned no token`);
    return token;
  }
}

function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message ?? String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
