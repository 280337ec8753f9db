#!/usr/bin/env node
// TCP through the machine's virtio-net and the user-mode network (docs/decisions/0030) next to
// qemu-system-riscv64 with `-netdev user` (slirp), same kernel, same ISO root, same guest commands:
// host -> guest (busybox wget of 64 MiB from a host HTTP server), guest -> host (dd | nc of 32 MiB
// into a host sink), connection setup guest -> host (20 sequential `nc` connections, host-measured
// interval, which includes the guest's fork+exec of nc) and host -> guest (20 sequential HTTP
// requests to busybox httpd on a published port, first byte of the answer). Throughputs are
// measured on the host (first to last byte). Writes docs/bench/net.md.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer as createHttp, get } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchDoc } from './_doc.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOWN_MIB = 64;
const UP_MIB = 32;
const CONNS = 20;
const BLOCK = randomBytes(1 << 20);

function artifacts() {
  // pre-set environment wins (as for the machine's tests), e.g. to measure with another kernel
  const keys = ['C2W_FW', 'C2W_KERNEL', 'C2W_ROOT_ISO'];
  if (keys.every((k) => process.env[k])) return Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  const r = spawnSync('bash', [join(root, 'tools/riscv64/artifacts.sh'), '--env'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tools/riscv64/artifacts.sh failed: ${r.stderr.slice(-2000)}`);
  return Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split('=')).map(([k, v]) => [k, v.replace(/^'|'$/g, '')]));
}

const listen = (server) => new Promise((r) => server.listen(0, '127.0.0.1', () => r(server.address().port)));
const freePort = async () => { const s = createServer(); const p = await listen(s); await new Promise((r) => s.close(r)); return p; };

/** The host's end: an HTTP server (download), a sink (upload), a connection counter. */
async function hostServers() {
  const m = { down: undefined, up: undefined, accepts: [] };
  const http = createHttp((req, res) => {
    const t0 = process.hrtime.bigint();
    res.setHeader('content-length', DOWN_MIB << 20);
    let sent = 0;
    const more = () => {
      while (sent < DOWN_MIB) { sent++; if (!res.write(BLOCK)) { res.once('drain', more); return; } }
      res.end(() => { m.down = { seconds: Number(process.hrtime.bigint() - t0) / 1e9 }; });
    };
    more();
  });
  const sink = createServer((s) => {
    let bytes = 0;
    let t0;
    s.on('data', (d) => { t0 ??= process.hrtime.bigint(); bytes += d.length; });
    s.on('end', () => { m.up = { bytes, seconds: Number(process.hrtime.bigint() - t0) / 1e9 }; s.end(); });
  });
  const counter = createServer((s) => { m.accepts.push(process.hrtime.bigint()); s.on('data', () => undefined); s.on('end', () => s.end()); s.on('error', () => undefined); });
  return { m, http, sink, counter, ports: { http: await listen(http), sink: await listen(sink), counter: await listen(counter) } };
}

/** One HTTP GET to 127.0.0.1:port: seconds to the first byte of the answer. */
const firstByte = (port) => new Promise((resolve, reject) => {
  const t0 = process.hrtime.bigint();
  get({ host: '127.0.0.1', port, path: '/t', agent: false }, (res) => {
    res.once('data', () => resolve(Number(process.hrtime.bigint() - t0) / 1e9));
    res.resume();
  }).on('error', reject);
});

/** Boots `cmd args`, runs the guest script at the shell, measures, returns the numbers. */
async function measure(name, cmd, args, hostPort) {
  const h = await hostServers();
  const script = [
    'ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2',
    `wget -q -O /dev/null http://10.0.2.2:${h.ports.http}/big`,
    `dd if=/dev/zero bs=65536 count=${UP_MIB * 16} 2>/dev/null | nc 10.0.2.2 ${h.ports.sink}`,
    `for i in $(seq ${CONNS}); do echo x | nc 10.0.2.2 ${h.ports.counter} >/dev/null; done`,
    // the test root's shell has a read-only root: httpd's directory goes on a tmpfs
    'mount -t tmpfs tmpfs /tmp && mkdir -p /tmp/w && echo hi > /tmp/w/t && httpd -p 8080 -h /tmp/w && echo READY-$((40+2))',
  ].join('\n') + '\n';
  const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stderr.on('data', (d) => { err += d; });
  const latencies = [];
  const done = new Promise((resolve, reject) => {
    let step = 0;
    p.stdout.on('data', async (d) => {
      out += d;
      if (step === 0 && /C2W-SHELL\r?\n/.test(out) && /# (\x1b\[6n)?$/.test(out)) { step = 1; p.stdin.write(script); }
      if (step === 1 && out.includes('READY-42')) {
        step = 2;
        try { for (let i = 0; i < CONNS; i++) latencies.push(await firstByte(hostPort)); } catch (e) { reject(e); }
        p.stdin.write('exit\n');
      }
    });
    p.on('close', (code) => (step === 2 ? resolve() : reject(new Error(`${name}: the guest stopped early (exit ${code}): ${err.slice(-400)} ${out.slice(-400)}`))));
  });
  const t = setTimeout(() => p.kill('SIGKILL'), 300_000);
  await done.finally(() => clearTimeout(t));
  for (const s of [h.http, h.sink, h.counter]) s.close();
  const gaps = h.m.accepts.slice(1).map((t1, i) => Number(t1 - h.m.accepts[i]) / 1e6);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    name,
    down: DOWN_MIB / h.m.down.seconds,
    up: h.m.up.bytes / 2 ** 20 / h.m.up.seconds,
    upBytes: h.m.up.bytes,
    guestConnMs: median(gaps),
    hostConnMs: median(latencies) * 1000,
  };
}

const a = artifacts();
const append = 'console=ttyS0 root=/dev/vda rootfstype=iso9660 ro init=/init c2w.shell=1 quiet';
const ours = await freePort();
const theirs = await freePort();
const rows = [];
rows.push(await measure('c2w machine.wasm (Node 20, --net)', process.execPath, [join(root, 'tools/bench/_net-machine.js'), JSON.stringify({
  args: ['--bios', a.C2W_FW, '--kernel', a.C2W_KERNEL, '--drive', `${a.C2W_ROOT_ISO},ro`, '--append', append, '--quiet-firmware'],
  forwards: [{ hostPort: ours, guestPort: 8080 }],
})], ours));
rows.push(await measure('qemu-system-riscv64 TCG, -netdev user', 'qemu-system-riscv64', ['-machine', 'virt', '-cpu', 'rv64', '-smp', '1', '-m', '256M', '-nographic',
  '-bios', a.C2W_FW, '-kernel', a.C2W_KERNEL, '-drive', `file=${a.C2W_ROOT_ISO},format=raw,if=none,id=hd,readonly=on`, '-device', 'virtio-blk-device,drive=hd',
  '-netdev', `user,id=n0,hostfwd=tcp:127.0.0.1:${theirs}-:8080`, '-device', 'virtio-net-device,netdev=n0', '-append', append], theirs));

for (const r of rows) if (r.upBytes !== UP_MIB << 20) throw new Error(`${r.name}: the sink got ${r.upBytes} bytes, expected ${UP_MIB << 20}`);
const qemuVersion = spawnSync('qemu-system-riscv64', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
const md = `# Network throughput and connection setup (\`npm run bench net\`)

TCP through the machine's virtio-net on the Node host's user-mode network (packages/usernet,
docs/decisions/0030-user-mode-network.md) next to ${qemuVersion} (TCG) with \`-netdev user\` (slirp),
on the same kernel and ISO root (${process.env.C2W_KERNEL ? `kernel ${a.C2W_KERNEL.replace(/^.*\/kernel\//, '~/.cache/c2w/kernel/')}, given by C2W_KERNEL` : 'tools/riscv64/artifacts.sh'}), one run each, one after the other;
${new Date().toISOString().slice(0, 10)}, Node ${process.version}, a 2-core host shared with other work.

| | host -> guest MB/s (wget ${DOWN_MIB} MiB) | guest -> host MB/s (dd \\| nc ${UP_MIB} MiB) | guest -> host connection, ms (nc loop) | host -> guest connection, ms (first byte from httpd) |
|---|---|---|---|---|
${rows.map((r) => `| ${r.name} | ${r.down.toFixed(1)} | ${r.up.toFixed(1)} | ${r.guestConnMs.toFixed(0)} | ${r.hostConnMs.toFixed(1)} |`).join('\n')}

How it is measured: throughputs on the host, first to last byte (MiB/s); the guest -> host connection
column is the median interval between ${CONNS} successive accepts of \`echo x | nc\` run in a shell loop
(so it includes the guest forking and executing nc); the host -> guest column is the median time
from connect() to the first byte of busybox httpd's answer through the published port (httpd forks
per connection). The guest CPU is interpreted in c2w and JIT-translated in QEMU, so the gap also
measures the CPUs, not only the two network paths.
`;
writeBenchDoc(join(root, 'docs', 'bench', 'net.md'), md);
process.stdout.write(md);
