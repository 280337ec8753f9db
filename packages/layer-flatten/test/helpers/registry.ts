import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { createPrivateKey, sign } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface TokenServer { realm: string; issued: number; stop(): Promise<void> }

/**
 * A minimal Docker token service: answers GET /token with a JWT (ES256, x5c = our self-signed
 * certificate, which the registry trusts through rootcertbundle) granting what the scope asks,
 * to a client that presents the expected Basic credentials.
 */
export async function startTokenServer(dir: string, user: string, password: string): Promise<TokenServer & { certPath: string }> {
  const keyPath = join(dir, 'token.key');
  const certPath = join(dir, 'token.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=c2w-test-token'], { stdio: 'ignore' });
  const key = createPrivateKey(await readFile(keyPath));
  const der = execFileSync('openssl', ['x509', '-in', certPath, '-outform', 'DER']);
  const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
  const port = await freePort();
  const state = { issued: 0 };
  const server: Server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    if (url.pathname !== '/token' || req.headers.authorization !== expected) {
      res.writeHead(401).end();
      return;
    }
    const access = url.searchParams.getAll('scope').map((s) => {
      const [type, name, actions] = s.split(':');
      return { type, name, actions: (actions ?? '').split(',') };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'ES256', typ: 'JWT', x5c: [der.toString('base64')] };
    const claims = { iss: 'c2w-test-issuer', sub: user, aud: url.searchParams.get('service'), exp: now + 600, nbf: now - 10, iat: now, jti: String(Math.random()), access };
    const unsigned = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(unsigned), { key, dsaEncoding: 'ieee-p1363' });
    state.issued++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `${unsigned}.${b64url(signature)}` }));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    realm: `http://127.0.0.1:${port}/token`, certPath,
    get issued() { return state.issued; },
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export interface Registry { host: string; stop(): Promise<void> }

/** Debian's docker-registry (CNCF distribution 2.8) on 127.0.0.1 with temp storage; optional token auth. */
export async function startRegistry(token?: { realm: string; certPath: string }): Promise<Registry> {
  const dir = await mkdtemp(join(tmpdir(), 'lf-registry-'));
  const port = await freePort();
  const auth = token ? `auth:\n  token:\n    realm: ${token.realm}\n    service: c2w-test-registry\n    issuer: c2w-test-issuer\n    rootcertbundle: ${token.certPath}\n` : '';
  await writeFile(join(dir, 'config.yml'), `version: 0.1\nlog:\n  level: error\n  accesslog: {disabled: true}\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`);
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (c: Buffer) => { log += c.toString(); });
  const host = `127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`http://${host}/v2/`).then((r) => r.status === 200 || r.status === 401, () => false);
    if (ok) break;
    if (i > 400 || child.exitCode !== null) throw new Error(`registry did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** skopeo copy to the registry; async, because the token service answers from this very process. */
export async function skopeoCopy(...args: string[]): Promise<void> {
  await promisify(execFile)('skopeo', ['copy', '-q', '--dest-tls-verify=false', ...args], { timeout: 120_000 });
}
