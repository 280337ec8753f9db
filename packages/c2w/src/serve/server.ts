import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { writeRunChannel } from '@c2w/emu-build';
import { EnvironmentError } from '@c2w/errors';
import type { LoadedBundle } from '../run/read-bundle.js';
import { runRequest } from '../run/run-request.js';
import { parseByteRange } from './byte-range.js';
import { runQuery } from './run-query.js';
import { contentType, webAssets } from './web-assets.js';
import { HOST_FILES, partVersion, webRunPlan } from './web-run-plan.js';

export interface ServeOptions {
  port?: number;
  host?: string;
  /** One line per bundle file request (the bytes served so far per file). */
  log?: (line: string) => void;
  /** Send COOP/COEP, so the page may use SharedArrayBuffer (console input through a ring). */
  crossOriginIsolated?: boolean;
}

export interface FileTraffic {
  size: number;
  served: number;
  requests: number;
}

export interface BundleServer {
  url: string;
  /** Bytes served per bundle file, since the start. */
  traffic(): Record<string, FileTraffic>;
  close(): Promise<void>;
}

/**
 * Serves a bundle to a browser: the page and its two libraries, bundle parts with HTTP ranges (so
 * the page reads its disk on demand), plan.json (the machine's command line) and channel.tar (the
 * run channel c2w run would write) for the request in the query.
 */
export async function serveBundle(b: LoadedBundle, o: ServeOptions = {}): Promise<BundleServer> {
  const assets = webAssets();
  const traffic: Record<string, FileTraffic> = {};
  for (const [name, ref] of Object.entries(b.bundle.files)) traffic[name] = { size: ref.size, served: 0, requests: 0 };
  const log = o.log ?? (() => undefined);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'only GET and HEAD');
    const query = url.searchParams;
    if (url.pathname === '/plan.json' || url.pathname === '/channel.tar') {
      let options;
      try {
        options = runQuery(query);
      } catch (err) {
        return plain(res, 400, (err as Error).message);
      }
      if (url.pathname === '/plan.json') {
        return send(res, 'application/json', JSON.stringify(webRunPlan(b, query.toString())), req.method === 'HEAD');
      }
      // a run channel per request, as c2w run writes it (its own clock: the time of the request)
      const { manifest } = runRequest(b, options, [HOST_FILES], Math.floor(Date.now() / 1000));
      res.writeHead(200, { 'Content-Type': 'application/x-tar', 'Cache-Control': 'no-store' });
      if (req.method === 'HEAD') return void res.end();
      await writeRunChannel(manifest, res);
      res.end();
      return;
    }
    const part = /^\/bundle\/([^/]+)$/.exec(url.pathname);
    if (part) {
      const name = decodeURIComponent(part[1]!);
      const t = traffic[name];
      if (!t) return plain(res, 404, `${name} is not a part of this bundle`);
      return sendPart(req, res, name, t, url.searchParams.get('v') === partVersion(b, name));
    }
    const asset = assets.get(url.pathname);
    if (!asset) return plain(res, 404, `no such page: ${url.pathname}`);
    res.writeHead(200, { 'Content-Type': contentType(asset), 'Cache-Control': 'no-cache' });
    if (req.method === 'HEAD') return void res.end();
    await pipeline(createReadStream(asset), res);
  }

  async function sendPart(req: IncomingMessage, res: ServerResponse, name: string, t: FileTraffic, versioned: boolean): Promise<void> {
    const ref = b.bundle.files[name]!;
    // a URL with the part's digest never changes content: the browser keeps it (ranges too)
    const headers = {
      'Accept-Ranges': 'bytes', ETag: `"${ref.digest}"`, 'Content-Type': contentType(name),
      'Cache-Control': versioned ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    const range = parseByteRange(req.headers.range, t.size);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${t.size}` });
      return void res.end();
    }
    const { start, end } = range ?? { start: 0, end: t.size - 1 };
    const length = end - start + 1;
    res.writeHead(range ? 206 : 200, {
      ...headers, 'Content-Length': String(length), ...(range ? { 'Content-Range': `bytes ${start}-${end}/${t.size}` } : {}),
    });
    if (req.method === 'HEAD' || length === 0) return void res.end();
    // counted as answered (before the bytes leave), so a client that has them sees them counted
    t.served += length;
    t.requests++;
    log(`${name} ${range ? 206 : 200} bytes ${start}-${end}: ${t.served} of ${t.size} bytes served in ${t.requests} requests`);
    await pipeline(createReadStream(b.path(name), { start, end }), res);
  }

  const server: Server = createServer((req, res) => {
    if (o.crossOriginIsolated) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    handle(req, res).catch((err: Error) => {
      // a client that went away mid-response is not the server's failure
      if (!res.headersSent) plain(res, 500, err.message);
      else res.destroy();
    });
  });
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new EnvironmentError(`cannot listen on ${host}:${o.port ?? 0}: ${err.code ?? err.message}`, { cause: err })));
    server.listen(o.port ?? 0, host, resolve);
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shown}:${addr.port}/`,
    traffic: () => structuredClone(traffic),
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

function send(res: ServerResponse, type: string, body: string, headOnly: boolean): void {
  res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(headOnly ? undefined : body);
}
