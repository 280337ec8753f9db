import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listRawTar, rawTar } from '../src/index.js';

const bytes = (t: string) => Buffer.from(t, 'latin1');
const LONG = Buffer.concat([bytes('n'.repeat(130)), Buffer.from([0xff])]);

describe('rawTar/listRawTar (names as bytes)', () => {
  it('writes names Python\'s tarfile reads as the same bytes', () => {
    const tar = rawTar([
      { name: bytes('d\xfe/'), type: 'directory' },
      { name: bytes('d\xfe/f\xff'), body: bytes('one') },
      { name: bytes('l'), type: 'symlink', linkname: bytes('d\xfe/f\xff') },
      { name: LONG, body: bytes('two') },
    ]);
    const script = 'import sys,tarfile,io,os\nfor m in tarfile.open(fileobj=io.BytesIO(sys.stdin.buffer.read()), encoding="utf-8", errors="surrogateescape"):\n'
      + ' print(os.fsencode(m.name).hex(), m.type.decode(), os.fsencode(m.linkname).hex())';
    const out = execFileSync('python3', ['-c', script], { input: tar }).toString().split('\n').filter(Boolean);
    expect(out).toEqual([
      `${bytes('d\xfe').toString('hex')} 5 `,
      `${bytes('d\xfe/f\xff').toString('hex')} 0 `,
      `6c 2 ${bytes('d\xfe/f\xff').toString('hex')}`,
      `${LONG.toString('hex')} 0 `,
    ]);
  });

  it('reads the names GNU tar writes from a Linux file system, long ones included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raw-tar-'));
    try {
      const root = Buffer.from(join(dir, 'root'));
      const at = (name: Buffer) => Buffer.concat([root, bytes('/'), name]);
      mkdirSync(root);
      writeFileSync(at(bytes('f\xff')), 'one');
      writeFileSync(at(LONG), 'two');
      symlinkSync(bytes('f\xff'), at(bytes('l\xfe')));
      for (const format of ['gnu', 'posix']) {
        const tar = execFileSync('tar', ['--format', format, '--sort=name', '-cf', '-', '-C', root.toString(), '.'], { env: { PATH: process.env['PATH'] ?? '', LC_ALL: 'C' } });
        expect(listRawTar(tar).map((e) => [e.name.toString('latin1'), e.type, e.linkname.toString('latin1'), e.body.toString()])).toEqual([
          ['./', 'directory', '', ''],
          ['./f\xff', 'file', '', 'one'],
          ['./l\xfe', 'symlink', 'f\xff', ''],
          [`./${LONG.toString('latin1')}`, 'file', '', 'two'],
        ]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
