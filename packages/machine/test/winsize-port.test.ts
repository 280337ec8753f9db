// --winsize: a multiport virtio-console whose port "c2w.winsize" gives the guest the host
// terminal's size as "ROWS COLS" lines (docs/decisions/0036-container-tty.md). Natively the
// channel is a FIFO of 4-byte records (le16 rows, le16 cols); the Node host answers it from
// memory (the e2e test tty.e2e.test.ts drives that path on both boards).
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifacts, runMachine, type Artifacts } from './helpers.js';

// the guest finds the port by name and prints the first two lines it reads
const EXTRA = `
dev=/dev/$(grep -l '^c2w.winsize$' /sys/class/virtio-ports/*/name | head -1 | cut -d/ -f5)
{ read -r a b; echo "SIZE $a $b"; read -r a b; echo "SIZE $a $b"; } < "$dev"
`;

let a: Artifacts;
let tmp: string;
let initrd: string;
beforeAll(() => {
  a = artifacts();
  tmp = mkdtempSync(join(tmpdir(), 'c2w-winsize-'));
  mkdirSync(join(tmp, 'x'));
  writeFileSync(join(tmp, 'x', 'extra.sh'), EXTRA, { mode: 0o755 });
  const extra = execFileSync('sh', ['-c', 'echo extra.sh | cpio -o -H newc --owner=0:0 --quiet | gzip -n'], { cwd: join(tmp, 'x') });
  initrd = join(tmp, 'initrd.gz');
  writeFileSync(initrd, Buffer.concat([readFileSync(a.C2W_INITRD), extra]));
}, 3_600_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const record = (rows: number, cols: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt16LE(rows, 0);
  b.writeUInt16LE(cols, 2);
  return b;
};

describe('--winsize (native, a FIFO)', () => {
  it('names the port c2w.winsize, gives the newest size at start and each later one', async () => {
    const fifo = join(tmp, 'winsize');
    execFileSync('mkfifo', [fifo]);
    const w = openSync(fifo, constants.O_RDWR); // no reader needed to open
    try {
      // two sizes before the guest looks: only the newer one reaches it
      writeSync(w, record(10, 20));
      writeSync(w, record(24, 80));
      let resized = false;
      const r = await runMachine('native', ['--winsize', fifo, '--bios', a.C2W_FW, '--kernel', a.C2W_KERNEL, '--initrd', initrd, '--append', 'console=ttyS0'], {
        interact: (out) => {
          if (!resized && out.includes('SIZE 24 80')) { resized = true; writeSync(w, record(40, 132)); }
          return null;
        },
      });
      expect(r.stdout.split(/\r?\n/).filter((l) => l.startsWith('SIZE '))).toEqual(['SIZE 24 80', 'SIZE 40 132']);
      expect(r.code).toBe(0);
    } finally {
      closeSync(w);
    }
  }, 180_000);

  it('fails at once, naming the channel, when it cannot be opened', async () => {
    const r = await runMachine('native', ['--winsize', join(tmp, 'missing'), '--bios', a.C2W_FW, '--kernel', a.C2W_KERNEL, '--initrd', initrd]);
    expect(r.stderr).toMatch(/cannot open the window size channel .*missing: No such file or directory/);
    expect(r.code).toBe(1);
  }, 60_000);
});
