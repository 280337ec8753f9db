import { createServer, type IncomingMessage, type Server } from 'node:http';
import { EnvironmentError, InputError } from '@c2w/errors';
import { RegistryClient } from '../../src/registry/registry-client.js';
import { parseImageReference } from '../../src/registry/image-reference.js';
import { registrySource } from '../../src/registry/registry-source.js';
import { freePort } from '../helpers/registry.js';

interface Seen { path: string; authorization: string | undefined; host: string; accept?: string | undefined }

/** A scripted HTTP server: each request is answered by `handler`, and recorded. */
async function fakeServer(handler: (req: IncomingMessage, seen: Seen[]) => { status: number; headers?: Record<string, string>; body?: string }) {
  const seen: Seen[] = [];
  const port = await freePort();
  const server: Server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization, host: req.headers.host ?? '', ...(req.headers.accept ? { accept: req.headers.accept } : {}) });
    const r = handler(req, seen);
    res.writeHead(r.status, r.headers).end(r.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, seen, stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

const text = async (res: Response) => Buffer.from(await res.arrayBuffer()).toString();

describe('registry client', () => {
  it('gets a Bearer token from the challenge realm and sends the scope and credentials', async () => {
    const srv = await fakeServer((req) => {
      if (req.url?.startsWith('/token')) return { status: 200, body: JSON.stringify({ access_token: 'tok' }) };
      if (req.headers.authorization !== 'Bearer tok') {
        return { status: 401, headers: { 'www-authenticate': `Bearer realm="http://127.0.0.1:${srv.port}/token",service="reg, with comma",scope="repository:a/b:pull"` } };
      }
      return { status: 200, body: 'manifest' };
    });
    try {
      const client = new RegistryClient(`127.0.0.1:${srv.port}`, 'a/b', { credentials: { username: 'u', password: 'p' } });
      expect(await text(await client.get('manifests/t', 'x', 'manifest'))).toBe('manifest');
      const tokenReq = srv.seen.find((s) => s.path.startsWith('/token'));
      expect(new URL(tokenReq?.path ?? '', 'http://x').searchParams.get('service')).toBe('reg, with comma');
      expect(new URL(tokenReq?.path ?? '', 'http://x').searchParams.get('scope')).toBe('repository:a/b:pull');
      expect(tokenReq?.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    } finally {
      await srv.stop();
    }
  });

  it('answers a Basic challenge with the credentials', async () => {
    const basic = `Basic ${Buffer.from('u:p').toString('base64')}`;
    const srv = await fakeServer((req) => (req.headers.authorization === basic ? { status: 200, body: 'ok' } : { status: 401, headers: { 'www-authenticate': 'Basic realm="reg"' } }));
    try {
      const client = new RegistryClient(`127.0.0.1:${srv.port}`, 'a', { credentials: { username: 'u', password: 'p' } });
      expect(await text(await client.get('blobs/x', undefined, 'blob'))).toBe('ok');
      const anonymous = new RegistryClient(`127.0.0.1:${srv.port}`, 'a');
      await expect(anonymous.get('blobs/x', undefined, 'blob')).rejects.toThrow(EnvironmentError);
    } finally {
      await srv.stop();
    }
  });

  it('follows blob redirects and drops Authorization when the host changes', async () => {
    const cdn = await fakeServer(() => ({ status: 200, body: 'blob bytes' }));
    const srv = await fakeServer((req) => {
      if (req.url?.startsWith('/token')) return { status: 200, body: JSON.stringify({ token: 'tok' }) };
      if (req.headers.authorization !== 'Bearer tok') return { status: 401, headers: { 'www-authenticate': `Bearer realm="http://127.0.0.1:${srv.port}/token"` } };
      if (req.url === '/v2/a/blobs/d') return { status: 307, headers: { location: '/v2/a/blobs/d2' } };
      return { status: 302, headers: { location: `http://localhost:${cdn.port}/storage/d` } };
    });
    try {
      const client = new RegistryClient(`127.0.0.1:${srv.port}`, 'a');
      expect(await text(await client.get('blobs/d', undefined, 'blob'))).toBe('blob bytes');
      expect(srv.seen.find((s) => s.path === '/v2/a/blobs/d2')?.authorization).toBe('Bearer tok'); // same host keeps it
      expect(cdn.seen).toMatchObject([{ path: '/storage/d', authorization: undefined, host: `localhost:${cdn.port}` }]);
    } finally {
      await srv.stop();
      await cdn.stop();
    }
  });

  it('retries 5xx with backoff, a bounded number of times', async () => {
    let calls = 0;
    const srv = await fakeServer(() => (++calls < 3 ? { status: 503 } : { status: 200, body: 'ok' }));
    try {
      const client = new RegistryClient(`127.0.0.1:${srv.port}`, 'a', { backoffMs: 5 });
      expect(await text(await client.get('blobs/x', undefined, 'blob'))).toBe('ok');
      expect(calls).toBe(3);
      calls = -100;
      await expect(client.get('blobs/x', undefined, 'blob')).rejects.toThrow('failed (HTTP 503) after 4 attempts');
      expect(calls).toBe(-96);
    } finally {
      await srv.stop();
    }
  });

  it('maps 404 to bad input and an unreachable registry to an environment error', async () => {
    const srv = await fakeServer(() => ({ status: 404 }));
    try {
      await expect(new RegistryClient(`127.0.0.1:${srv.port}`, 'a').get('manifests/t', undefined, 'manifest a:t')).rejects.toThrow(InputError);
    } finally {
      await srv.stop();
    }
    const port = await freePort();
    const err = await new RegistryClient(`127.0.0.1:${port}`, 'a', { attempts: 2, backoffMs: 5 }).get('manifests/t', undefined, 'manifest a:t').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toBe(`manifest a:t: cannot reach 127.0.0.1:${port}: ECONNREFUSED`);
  });

  it('asks for all four manifest and index types when it fetches a manifest, and none for a blob', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const srv = await fakeServer(() => ({ status: 200, headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' }, body: '{}' }));
    try {
      const source = registrySource(parseImageReference(`127.0.0.1:${srv.port}/a/b:t`), {});
      await source.root();
      for await (const _ of await source.openManifest({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 2 })) { /* drain */ }
      for await (const _ of await source.openBlob({ mediaType: 'application/octet-stream', digest, size: 2 })) { /* drain */ }
    } finally {
      await srv.stop();
    }
    // spelled out rather than imported: the literal strings are what registries match on
    const all = [
      'application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.index.v1+json',
      'application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.docker.distribution.manifest.list.v2+json',
    ].sort();
    const listed = (s: Seen | undefined) => (s?.accept ?? '').split(',').map((t) => t.trim()).sort();
    expect(srv.seen.map((s) => s.path)).toEqual(['/v2/a/b/manifests/t', `/v2/a/b/manifests/${digest}`, `/v2/a/b/blobs/${digest}`]);
    expect(listed(srv.seen[0])).toEqual(all);
    expect(listed(srv.seen[1])).toEqual(all);
    expect(srv.seen[2]?.accept ?? '*/*').toBe('*/*');
  });

  it('uses https except for loopback hosts or --insecure', () => {
    expect(new RegistryClient('ghcr.io', 'a').base.href).toBe('https://ghcr.io/v2/');
    expect(new RegistryClient('docker.io', 'library/x').base.href).toBe('https://registry-1.docker.io/v2/');
    expect(new RegistryClient('localhost:5000', 'a').base.href).toBe('http://localhost:5000/v2/');
    expect(new RegistryClient('reg.internal:5000', 'a', { insecure: true }).base.href).toBe('http://reg.internal:5000/v2/');
  });
});
