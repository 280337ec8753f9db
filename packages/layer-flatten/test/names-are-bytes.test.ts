import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listRawTar, rawTar, runBin } from '@c2w/testing';
import { gzipImage, writeLayout } from './helpers/memory-image.js';

const bytes = (text: string) => Buffer.from(text, 'latin1');
// 120 x then a cut UTF-8 sequence: too long for ustar, so it travels in a PAX record
const LONG = Buffer.concat([bytes('x'.repeat(120)), Buffer.from([0xe2, 0x82])]);

/** Every path under `dir` (bytes as hex) with its content, link target or 'dir', as extracted. */
function extracted(dir: Buffer, prefix = Buffer.alloc(0)): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir, { encoding: 'buffer' })) {
    const path = Buffer.concat([dir, Buffer.from('/'), name]);
    const rel = prefix.length ? Buffer.concat([prefix, Buffer.from('/'), name]) : name;
    const st = lstatSync(path);
    if (st.isDirectory()) {
      out.set(rel.toString('hex'), 'dir');
      for (const [k, v] of extracted(path, rel)) out.set(k, v);
    } else if (st.isSymbolicLink()) out.set(rel.toString('hex'), `-> ${readlinkSync(path, { encoding: 'buffer' }).toString('hex')}`);
    else out.set(rel.toString('hex'), readFileSync(path).toString('utf8'));
  }
  return out;
}

/** Names of tar entries and file systems are bytes: layer-flatten carries them byte for byte. */
describe('layer-flatten with names that are not UTF-8', () => {
  let work: string;
  beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'lf-names-')); });
  afterAll(async () => { await rm(work, { recursive: true, force: true }); });

  it('keeps f\\xff and f\\xfe apart, with their own data, links and whiteouts, as bsdtar extracts them', async () => {
    const image = join(work, 'image');
    await writeLayout(image, gzipImage([
      rawTar([
        { name: bytes('f\xff'), body: bytes('one') },
        { name: bytes('f\xfe'), body: bytes('two') },
        { name: bytes('d\xfe/'), type: 'directory' },
        { name: bytes('d\xfe/l'), type: 'symlink', linkname: bytes('../f\xff') },
        { name: bytes('g\xfd'), body: bytes('gone') },
        { name: LONG, body: bytes('three') },
      ]),
      rawTar([
        { name: bytes('.wh.g\xfd') },
        { name: bytes('h\xfc'), type: 'link', linkname: bytes('f\xfe') },
      ]),
    ]));
    const r = await runBin('layer-flatten', [`oci:${image}:t`]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const entries = listRawTar(r.stdout).map((e) => [e.name.toString('hex'), e.type, e.type === 'file' ? e.body.toString() : e.linkname.toString('hex')]);
    const hex = (b: Buffer | string) => (typeof b === 'string' ? bytes(b) : b).toString('hex');
    expect(entries).toEqual([
      [hex('d\xfe/'), 'directory', ''],
      [hex('d\xfe/l'), 'symlink', hex('../f\xff')],
      [hex('f\xfe'), 'file', 'two'],
      [hex('f\xff'), 'file', 'one'],
      [hex('h\xfc'), 'link', hex('f\xfe')],
      [hex(LONG), 'file', 'three'],
    ]);
    // an independent reader: libarchive extracts the same names onto a Linux file system
    const out = join(work, 'rootfs.tar');
    await writeFile(out, r.stdout);
    const dir = join(work, 'x');
    execFileSync('mkdir', ['-p', dir]);
    execFileSync('bsdtar', ['-xf', out, '-C', dir]);
    expect(extracted(Buffer.from(dir))).toEqual(new Map([
      [hex('d\xfe'), 'dir'],
      [hex('d\xfe/l'), `-> ${hex('../f\xff')}`],
      [hex('f\xfe'), 'two'],
      [hex('f\xff'), 'one'],
      [hex('h\xfc'), 'two'],
      [hex(LONG), 'three'],
    ]));
  });
});
