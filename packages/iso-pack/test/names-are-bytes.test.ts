import { execFileSync } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { listRawTar, rawTar, runBin } from '@c2w/testing';
import { tempDir, writeTemp } from './support/readers.js';

const env = { SOURCE_DATE_EPOCH: '1700000000', PATH: process.env['PATH'] ?? '', LC_ALL: 'C' };
const bytes = (text: string) => Buffer.from(text, 'latin1');
const hex = (b: Buffer) => b.toString('hex');

/**
 * Names as libarchive reads the image's Rock Ridge tree (bsdtar turns it into a GNU tar, whose
 * names are bytes with no charset to translate to), without the root.
 */
function rockRidgeNames(iso: string): Array<[string, string, string]> {
  const tar = execFileSync('bsdtar', ['-cf', '-', '--format', 'gnutar', `@${iso}`], { env, maxBuffer: 1 << 26 });
  return listRawTar(tar).filter((e) => e.name.toString() !== './')
    .map((e) => [hex(e.name), e.type, e.type === 'symlink' ? hex(e.linkname) : e.body.toString()]);
}

/**
 * Names as 7-Zip reads the Joliet tree: p7zip shows U+EF80..U+EFFF as the bytes 0x80..0xFF, the
 * same mapping iso-pack uses, so the original bytes come back.
 */
function jolietNames(iso: string): string[] {
  const out = execFileSync('7z', ['l', '-slt', iso], { env: { ...env, LC_ALL: 'C.UTF-8' }, maxBuffer: 1 << 26 });
  return out.toString('latin1').split('\n').filter((l) => l.startsWith('Path = ')).slice(1).map((l) => hex(bytes(l.slice(7))));
}

describe('iso-pack with names that are bytes (CLI)', () => {
  let dir: string;
  beforeAll(async () => { dir = await tempDir(); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('keeps f\\xff and f\\xfe byte for byte in Rock Ridge and distinct in Joliet', async () => {
    const long = Buffer.concat([bytes('z'.repeat(200)), Buffer.from([0xff, 0xc3])]);
    const tar = await writeTemp(dir, 'in.tar', rawTar([
      { name: bytes('f\xff'), body: bytes('one') },
      { name: bytes('f\xfe'), body: bytes('two') },
      { name: bytes('l'), type: 'symlink', linkname: bytes('d\xfe/f\xff') },
      { name: long, body: bytes('three') },
    ]));
    const out = join(dir, 'bytes.iso');
    const r = await runBin('iso-pack', ['--joliet', tar, '-o', out], { env });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(rockRidgeNames(out).sort()).toEqual([
      [hex(bytes('f\xfe')), 'file', 'two'],
      [hex(bytes('f\xff')), 'file', 'one'],
      [hex(bytes('l')), 'symlink', hex(bytes('d\xfe/f\xff'))],
      [hex(long), 'file', 'three'],
    ].sort());
    // Joliet has no symlinks and keeps 64 characters of the long name; the short ones come back whole
    expect(jolietNames(out).sort()).toEqual([hex(bytes('f\xfe')), hex(bytes('f\xff')), hex(bytes('z'.repeat(64)))].sort());
  });

  it('accepts a 255-byte name component and refuses a 256-byte one: exit 1, one line naming the path, no output, no temp file', async () => {
    const ok = Buffer.concat([bytes('d/'), bytes('\xff'.repeat(255))]);
    const okTar = await writeTemp(dir, 'ok.tar', rawTar([{ name: ok, body: bytes('fits') }]));
    const okIso = join(dir, 'ok.iso');
    expect((await runBin('iso-pack', [okTar, '-o', okIso], { env })).exitCode).toBe(0);
    expect(rockRidgeNames(okIso)).toContainEqual([hex(ok), 'file', 'fits']);

    const outDir = join(dir, 'refused');
    const tmp = join(dir, 'tmp');
    execFileSync('mkdir', ['-p', outDir, tmp]);
    for (const component of [Buffer.concat([bytes('a'.repeat(254)), Buffer.from([0xc3, 0xa9])]), bytes('x'.repeat(5000))]) {
      const name = Buffer.concat([bytes('dir/'), component, bytes('/file')]);
      const tar = await writeTemp(dir, 'long.tar', rawTar([{ name, body: bytes('x') }]));
      for (const output of [join(outDir, 'out.iso'), '-']) {
        const r = await runBin('iso-pack', [tar, '-o', output], { env: { ...env, TMPDIR: tmp } });
        expect(r.exitCode).toBe(1);
        expect(r.stderr.split('\n')).toHaveLength(1);
        expect(r.stderr).toContain(`iso-pack: input ${tar}: entry "dir/${component.toString('utf8').slice(0, 10)}`);
        expect(r.stderr).toMatch(new RegExp(`: a name component of ${component.length} bytes, expected at most 255 \\(Linux NAME_MAX\\)$`));
        expect(r.stdout.length).toBe(0);
        expect(await readdir(outDir)).toEqual([]);
        expect(await readdir(tmp)).toEqual([]);
      }
    }
    const graft = `/oci/${'g'.repeat(256)}`;
    const r = await runBin('iso-pack', [`${okTar}:${graft}`, '-o', join(outDir, 'out.iso')], { env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`iso-pack: bad graft point in ${JSON.stringify(`${okTar}:${graft}`)}: a name component of 256 bytes, expected at most 255 (Linux NAME_MAX)`);
    expect(await readdir(outDir)).toEqual([]);
  });
});
