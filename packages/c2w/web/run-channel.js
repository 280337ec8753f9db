// The run channel written in the page, for a static directory (c2w convert --format web) where no
// server writes it: the same bytes as emu-build's writeRunChannel for the same request
// (test/web/run-channel.test.ts compares them), from run-request.json (src/serve/web-request.ts).

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The manifest for a page query: `arg` replaces Cmd, `env` adds to Env by key, `entrypoint` and
 * `workdir` as docker's flags, `init=1` as docker's --init; `user` needs the image's user
 * database, which only c2w serve has.
 */
export function channelManifest(page, query, time) {
  const init = query.get('init') || undefined;
  if (init !== undefined && init !== '1' && init !== '0') throw new Error(`parameter 'init' is '${init}', expected 1 or 0`);
  let request = page;
  // an image that runs under the init anyway (page.init) needs nothing more
  if (init === '1' && !page.init.length) {
    if (!page.withInit) throw new Error('the init parameter needs a bundle whose guest has an init program: convert the image again');
    request = { ...page, ...page.withInit };
  }
  const args = query.getAll('arg');
  const env = query.getAll('env');
  const entrypoint = query.get('entrypoint') || undefined;
  const workdir = query.get('workdir') || undefined;
  if (query.get('user')) throw new Error('the user parameter needs c2w serve (a static page cannot resolve user names)');
  const config = structuredClone(request.manifest.config);
  const first = entrypoint !== undefined ? [entrypoint] : request.entrypoint;
  const cmd = args.length ? args : entrypoint !== undefined ? [] : request.cmd;
  if (first.length + cmd.length === 0 || (!request.hasCommand && !args.length && entrypoint === undefined)) {
    throw new Error('nothing to run: the image has no Entrypoint or Cmd and no arg was given');
  }
  // request.init: the container's PID 1 program, for an image that runs through qemu-user or with init=1 (ADR 0065)
  config.process.args = [...request.init, ...first, ...cmd];
  const merged = new Map();
  for (const e of [DEFAULT_PATH, ...config.process.env, ...env]) {
    const eq = e.indexOf('=');
    if (eq <= 0) throw new Error(`environment entry ${JSON.stringify(e)} is not KEY=VALUE`);
    merged.set(e.slice(0, eq), e);
  }
  config.process.env = [...merged.values()];
  config.process.cwd = workdir || request.workingDir || '/';
  // rows and cols (added by the worker for a bundle whose init has a pty): as runRequest's tty
  const rows = query.get('rows');
  const cols = query.get('cols');
  const tty = rows !== null && cols !== null ? { rows: Number(rows), cols: Number(cols) } : undefined;
  if (tty) {
    config.process.terminal = true;
    config.process.consoleSize = { height: tty.rows, width: tty.cols };
  }
  const { config: _old, ...rest } = request.manifest;
  return { ...rest, time, ...(tty ? { tty } : {}), config };
}

/** The channel tar: c2w/, c2w/arch, c2w/time, c2w/mounts, c2w/stdin and c2w/tty (if set), config.json, end of archive. */
export function channelTar(m) {
  const enc = new TextEncoder();
  const parts = [header('c2w', 5, 0o755, 0)];
  const file = (name, text) => {
    const body = enc.encode(text);
    parts.push(header(name, 0, 0o644, body.length), body, new Uint8Array((512 - (body.length % 512)) % 512));
  };
  file('c2w/arch', `${m.arch}\n`);
  if (m.time !== undefined) file('c2w/time', `${m.time}\n`);
  if (m.mounts?.length) file('c2w/mounts', m.mounts.map((x, i) => `${i} ${x.tag} ${x.readonly ? 'ro' : 'rw'}\n`).join(''));
  if (m.stdin !== undefined) file('c2w/stdin', `${m.stdin}\n`);
  if (m.tty !== undefined) file('c2w/tty', `${m.tty.rows} ${m.tty.cols}\n`);
  file('config.json', `${JSON.stringify(m.config, null, 1)}\n`);
  parts.push(new Uint8Array(1024));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** A ustar header as @c2w/streams writes it for a short ASCII name, uid/gid 0, mtime 0. */
function header(name, type, mode, size) {
  const b = new Uint8Array(512);
  const put = (text, at) => { for (let i = 0; i < text.length; i++) b[at + i] = text.charCodeAt(i); };
  const octal = (v, digits) => `${v.toString(8).padStart(digits, '0')} `;
  put(name, 0);
  put(octal(mode, 6), 100);
  put(octal(0, 6), 108);
  put(octal(0, 6), 116);
  put(octal(size, 11), 124);
  put(octal(0, 11), 136);
  b[156] = 48 + type;
  put('ustar\x0000', 257);
  put(octal(0, 6), 329);
  put(octal(0, 6), 337);
  let sum = 8 * 32;
  for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += b[i];
  put(octal(sum, 6), 148);
  return b;
}
