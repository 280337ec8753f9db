// --stdin-port: a multiport virtio-console whose port "c2w.stdin" takes stdin and reports its end
// (PORT_OPEN 0), so a guest `cat /dev/vportNp0` sees EOF. The test root's init sources /extra.sh,
// added to its initramfs as a second cpio archive (the kernel unpacks concatenated archives).
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODES, artifacts, runMachine, type Artifacts } from './helpers.js';

// Finds the port by the name the device gives it (no udev in the guest), reads it to EOF.
const EXTRA = `
for p in /sys/class/virtio-ports/*; do echo "PORT \${p##*/} $(cat $p/name)"; done
dev=/dev/$(grep -l '^c2w.stdin$' /sys/class/virtio-ports/*/name | head -1 | cut -d/ -f5)
cat "$dev" > /tmp/in
echo "BYTES $(wc -c < /tmp/in)"
echo "MD5 $(md5sum < /tmp/in | cut -d' ' -f1)"
cat "$dev" | wc -c | sed 's/^/AGAIN /'
`;

let a: Artifacts;
let tmp: string;
let initrd: string;
beforeAll(() => {
  a = artifacts();
  tmp = mkdtempSync(join(tmpdir(), 'c2w-stdin-port-'));
  mkdirSync(join(tmp, 'x'));
  writeFileSync(join(tmp, 'x', 'extra.sh'), EXTRA, { mode: 0o755 });
  const extra = execFileSync('sh', ['-c', 'echo extra.sh | cpio -o -H newc --owner=0:0 --quiet | gzip -n'], { cwd: join(tmp, 'x') });
  initrd = join(tmp, 'initrd.gz');
  writeFileSync(initrd, Buffer.concat([readFileSync(a.C2W_INITRD), extra]));
}, 3_600_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');
const boot = (mode: (typeof MODES)[number], input: { chunks: (Buffer | string)[]; gapMs?: number }) =>
  runMachine(mode, ['--stdin-port', '--bios', a.C2W_FW, '--kernel', a.C2W_KERNEL, '--initrd', initrd, '--append', 'console=ttyS0'], { input });

describe.each(MODES)('--stdin-port (%s)', (mode) => {
  it('names the port c2w.stdin and delivers 1 MB of binary input, then EOF', async () => {
    const data = randomBytes(1_000_000);
    const r = await boot(mode, { chunks: [data] });
    expect(r.stdout).toMatch(/PORT vport\d+p0 c2w\.stdin/);
    expect(r.stdout).toContain('BYTES 1000000');
    expect(r.stdout).toContain(`MD5 ${md5(data)}`);
    expect(r.stdout).toContain('AGAIN 0'); // the port stays at EOF
    expect(r.code).toBe(0);
  }, 180_000);

  it('reports EOF at once when stdin is empty', async () => {
    const r = await boot(mode, { chunks: [] });
    expect(r.stdout).toContain('BYTES 0');
    expect(r.code).toBe(0);
  }, 180_000);

  it('keeps the port connected while input is still coming', async () => {
    // the guest reads the first part long before the rest arrives: no early EOF
    const r = await boot(mode, { chunks: ['first\n', 'second\n'], gapMs: 2500 });
    expect(r.stdout).toContain('BYTES 13');
    expect(r.stdout).toContain(`MD5 ${md5(Buffer.from('first\nsecond\n'))}`);
    expect(r.code).toBe(0);
  }, 180_000);
});

describe.each(MODES)('--stdin-port options (%s)', (mode) => {
  it('is accepted in the JSON config as stdin_port', async () => {
    const cfg = join(tmp, `cfg-${mode}.json`);
    writeFileSync(cfg, JSON.stringify({ stdin_port: true, bios: a.C2W_FW, kernel: a.C2W_KERNEL, initrd, append: 'console=ttyS0' }));
    const r = await runMachine(mode, ['--config', cfg], { input: { chunks: ['abc'] } });
    expect(r.stdout).toContain('BYTES 3');
    expect(r.code).toBe(0);
  }, 180_000);
});
