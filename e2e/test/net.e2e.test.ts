import { execa, type ResultPromise } from 'execa';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, get, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { workspaceRoot } from '@c2w/testing';
import { c2w, convert, tmp } from './helpers/bundles.js';
import { exampleImage, pythonImage } from './helpers/images.js';

// `c2w run --net` and `-p`: the container reaches the host through the user-mode network
// (docs/decisions/0030) and publishes ports on 127.0.0.1. Loopback addresses only.

const BLOCK = randomBytes(1 << 20);
const BIG = 200; // MiB: the 200 MB download
const ONE_KB = randomBytes(1024);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const bigSha = (() => { const h = createHash('sha256'); for (let i = 0; i < BIG; i++) h.update(BLOCK); return h.digest('hex'); })();

/** The test's HTTP server on 127.0.0.1: /1k, /big (streamed, never whole in memory), /wait?n=N. */
async function httpServer(): Promise<{ server: HttpServer; port: number; waiting: { n: number } }> {
  const waiting = { n: 0, release: [] as (() => void)[] };
  const server = createHttpServer((req, res) => {
    if (req.url === '/1k') { res.end(ONE_KB); return; }
    if (req.url === '/big') {
      res.setHeader('content-length', BIG * BLOCK.length);
      let sent = 0;
      const more = (): void => {
        while (sent < BIG) { sent++; if (!res.write(BLOCK)) { res.once('drain', more); return; } }
        res.end();
      };
      more();
      return;
    }
    const m = /^\/wait\?i=(\d+)&n=(\d+)$/.exec(req.url ?? '');
    if (m) {
      // every answer waits until all n requests are open at once: proof they are parallel
      waiting.n++;
      waiting.release.push(() => res.end(`reply ${m[1]}\n`));
      if (waiting.n === Number(m[2])) for (const r of waiting.release.splice(0)) r();
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, waiting };
}

/** A DNS server for the test's names: A queries for *.c2w-e2e.test are 127.0.0.1, others NXDOMAIN. */
async function dnsServer(): Promise<{ socket: UdpSocket; port: number }> {
  const socket = createSocket('udp4');
  socket.on('message', (m, rinfo) => {
    let i = 12;
    const labels: string[] = [];
    while (m.readUInt8(i) !== 0) { labels.push(m.toString('latin1', i + 1, i + 1 + m.readUInt8(i))); i += 1 + m.readUInt8(i); }
    const name = labels.join('.');
    const hit = name.endsWith('c2w-e2e.test') && m.readUInt16BE(i + 1) === 1;
    const h = Buffer.from(m.subarray(0, 12));
    h.writeUInt16BE(0x8180 | (hit ? 0 : 3), 2);
    h.writeUInt16BE(hit ? 1 : 0, 6);
    const rr = hit ? Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]) : Buffer.alloc(0);
    socket.send(Buffer.concat([h, m.subarray(12, i + 5), rr]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { socket, port: socket.address().port };
}

const freePort = async (): Promise<number> => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
};

/** GET http://127.0.0.1:port/path; rejects on a connection error. */
function fetchLocal(port: number, path: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** Fetches until the guest's server answers (it is refused with a reset until it listens). */
async function fetchWhenUp(port: number, path: string, ms = 120_000): Promise<{ status: number; body: Buffer }> {
  const deadline = Date.now() + ms;
  for (;;) {
    try { return await fetchLocal(port, path); } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** `c2w run ARGS` in the background with stdin open (the container ends when stdin ends). */
function startRun(args: string[]): ResultPromise<{ reject: false; stdin: 'pipe'; encoding: 'utf8' }> {
  return execa(process.execPath, [join(workspaceRoot, 'packages/c2w/bin/run.js'), 'run', ...args], { reject: false, stdin: 'pipe', encoding: 'utf8' });
}

describe('c2w run --net', () => {
  let bundle: string;
  let dir: string;
  let http: Awaited<ReturnType<typeof httpServer>>;
  beforeAll(async () => {
    dir = await tmp('net');
    bundle = await convert(await exampleImage(), join(dir, 'example'));
    http = await httpServer();
  }, 600_000);
  afterAll(() => http.server.close());

  it('gets its address by DHCP and wgets 1 KB from the host through the gateway, into a --mount', async () => {
    const host = join(dir, 'out');
    await mkdir(host, { recursive: true });
    const r = await c2w(['run', '--net', '--guest-debug', '-v', `${host}:/data`, bundle, '--', 'sh', '-c',
      `wget -q -O /data/1k http://10.0.2.2:${http.port}/1k && sha256sum /data/1k && cat /etc/resolv.conf`]);
    const out = r.stdout.toString();
    expect(out).toContain(`${sha(ONE_KB)}  /data/1k`);
    expect(out).toMatch(/c2w-init: eth0 by DHCP: 10\.0\.2\.15\/24, nameserver 10\.0\.2\.3/);
    expect(out).toContain('nameserver 10.0.2.3');
    expect(r.exitCode).toBe(0);
    expect(sha(await readFile(join(host, '1k')))).toBe(sha(ONE_KB));
  }, 300_000);

  it('wgets 200 MB from the host with the right sha256', async () => {
    const started = Date.now();
    const r = await c2w(['run', '--net', bundle, '--', 'sh', '-c', `wget -q -O - http://10.0.2.2:${http.port}/big | sha256sum`]);
    expect(r.stdout.toString()).toBe(`${bigSha}  -\n`);
    expect(r.exitCode).toBe(0);
    process.stderr.write(`c2w run --net: 200 MB wget | sha256sum in ${((Date.now() - started) / 1000).toFixed(1)} s including boot\n`);
  }, 900_000);

  it('opens 50 connections to the host at once', async () => {
    http.waiting.n = 0;
    const r = await c2w(['run', '--net', bundle, '--', 'sh', '-c',
      `for i in $(seq 50); do wget -q -O /tmp/r$i "http://10.0.2.2:${http.port}/wait?i=$i&n=50" & done; wait; cat /tmp/r* | sort | uniq | wc -l`]);
    expect(r.stdout.toString().trim()).toBe('50');
    expect(r.exitCode).toBe(0);
  }, 300_000);

  it('resolves a name with the DNS server given by --dns (an answer of 127.0.0.1 is the host)', async () => {
    const dns = await dnsServer();
    try {
      const r = await c2w(['run', '--dns', `127.0.0.1:${dns.port}`, bundle, '--', 'sh', '-c',
        `nslookup files.c2w-e2e.test | grep -A1 '^Name' | tail -1; wget -q -O - http://files.c2w-e2e.test:${http.port}/1k | sha256sum; nslookup nothing.invalid >/dev/null 2>&1 || echo no-such-name`]);
      const out = r.stdout.toString();
      expect(out).toMatch(/Address:? *10\.0\.2\.2/);
      expect(out).toContain(`${sha(ONE_KB)}  -`);
      expect(out).toContain('no-such-name');
      expect(r.exitCode).toBe(0);
    } finally {
      dns.socket.close();
    }
  }, 300_000);

  it('shows the guest program a refused connection and a reset', async () => {
    const closed = await freePort();
    const resetter: Server = createServer((s) => s.once('data', () => s.resetAndDestroy()));
    await new Promise<void>((r) => resetter.listen(0, '127.0.0.1', r));
    try {
      const resetPort = (resetter.address() as AddressInfo).port;
      const r = await c2w(['run', '--net', bundle, '--', 'sh', '-c',
        `wget -q -O - http://10.0.2.2:${closed}/ ; echo "refused=$?"; wget -q -O - http://10.0.2.2:${resetPort}/ ; echo "reset=$?"`]);
      const out = r.stdout.toString();
      expect(out).toMatch(/Connection refused/);
      expect(out).toMatch(/refused=1/);
      expect(out).toMatch(/Connection reset by peer/);
      expect(out).toMatch(/reset=1/);
    } finally {
      resetter.close();
    }
  }, 300_000);

  it('publishes busybox httpd with -p and serves 50 host requests at once', async () => {
    const port = await freePort();
    const run = startRun(['-p', `${port}:8080`, bundle, '--', 'sh', '-c',
      'mkdir -p /www && head -c 65536 /dev/urandom > /www/blob && sha256sum /www/blob && httpd -p 8080 -h /www && cat']);
    let first: Buffer;
    try {
      const r = await fetchWhenUp(port, '/blob');
      expect(r.status).toBe(200);
      first = r.body;
      const all = await Promise.all(Array.from({ length: 50 }, () => fetchLocal(port, '/blob')));
      for (const a of all) expect(sha(a.body)).toBe(sha(first));
    } finally {
      run.stdin.end();
    }
    const r = await run;
    // the guest's own hash of the file it served
    expect(r.stdout).toContain(`${sha(first)}  /www/blob`);
    expect(r.exitCode).toBe(0);
  }, 300_000);

  it('fails at once with exit 3 when a published port is taken, and rejects bad -p (exit 2)', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    try {
      const r = await c2w(['run', '-p', `${(busy.address() as AddressInfo).port}:80`, bundle, '--', 'true']);
      expect(r.exitCode).toBe(3);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/cannot publish port \d+ on 127\.0\.0\.1: EADDRINUSE/);
    } finally {
      busy.close();
    }
    for (const bad of ['80', '80:80/sctp', '0:80', '1:70000']) {
      const r = await c2w(['run', '-p', bad, bundle, '--', 'true']);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 120_000);
});

describe('c2w run -p with python3 -m http.server', () => {
  it('serves a file from the python image to the host', async () => {
    const dir = await tmp('net-py');
    const bundle = await convert(await pythonImage(), join(dir, 'py'));
    const port = await freePort();
    // the image has python3 but no shell: python3 -m http.server itself is the container
    const run = startRun(['-p', `${port}:8000`, bundle, '--', 'python3', '-m', 'http.server', '8000', '--directory', '/etc']);
    try {
      const r = await fetchWhenUp(port, '/', 240_000);
      expect(r.status).toBe(200);
      // python's own directory listing of the container's /etc
      expect(r.body.toString()).toContain('<title>Directory listing for /</title>');
      expect(r.body.toString()).toContain('href="fstab"');
    } finally {
      run.kill('SIGINT'); // the server runs until stopped, as under docker run
    }
    await run;
  }, 900_000);
});

const RUNNER = `import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: ['out.wasm', ...args], returnOnExit: true, env: {}, preopens: {} });
const instance = await WebAssembly.instantiate(await WebAssembly.compile(await readFile(file)), { wasi_snapshot_preview1: wasi.wasiImport });
process.exitCode = wasi.start(instance);
`;

describe('the single .wasm has no network', () => {
  it('says so in one line and exits 2 for --net and -p, in c2w run and in out.wasm itself', async () => {
    const dir = await tmp('net-single');
    const wasm = join(dir, 'out.wasm');
    const conv = await c2w(['convert', `oci:${await exampleImage()}:latest`, wasm]);
    expect(conv.exitCode).toBe(0);
    for (const flags of [['--net'], ['-p', '8080:80']]) {
      const r = await c2w(['run', ...flags, wasm, '--', 'true']);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/no network \(WASI preview1 has no sockets\)/);
    }
    // out.wasm's own arguments on a plain WASI host (node:wasi, as docs/single-file.md shows)
    const runner = join(dir, 'runner.mjs');
    await writeFile(runner, RUNNER);
    for (const flag of ['--net', '-p']) {
      const r = await execa(process.execPath, ['--no-warnings', runner, wasm, flag, '8080:80', '--', 'true'], { reject: false });
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`c2w: ${flag}: this single .wasm has no network (WASI preview1 has no sockets)`);
    }
  }, 600_000);
});
