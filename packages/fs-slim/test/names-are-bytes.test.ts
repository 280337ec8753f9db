import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listRawTar, rawTar, runBin } from '@c2w/testing';

const bytes = (text: string) => Buffer.from(text, 'latin1');
const LONG = Buffer.concat([bytes(`usr/${'y'.repeat(150)}/`), Buffer.from([0xc3, 0x28, 0xff])]);

/** Names are bytes: fs-slim passes names that are not UTF-8 through unchanged. */
describe('fs-slim with names that are not UTF-8 (the bin)', () => {
  let work: string;
  beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'fs-slim-names-')); });
  afterAll(async () => { await rm(work, { recursive: true, force: true }); });

  it('--profile none keeps f\\xff, f\\xfe, their link targets and long names byte for byte', async () => {
    const input = rawTar([
      { name: bytes('usr/'), type: 'directory' },
      { name: bytes('usr/f\xff'), body: bytes('one') },
      { name: bytes('usr/f\xfe'), body: bytes('two') },
      { name: bytes('usr/l\xfd'), type: 'symlink', linkname: bytes('f\xff') },
      { name: bytes('usr/h'), type: 'link', linkname: bytes('usr/f\xfe') },
      { name: LONG, body: bytes('three') },
    ]);
    const inPath = join(work, 'in.tar');
    const outPath = join(work, 'out.tar');
    await writeFile(inPath, input);
    const r = await runBin('fs-slim', ['--profile', 'none', inPath, outPath]);
    expect(r.exitCode).toBe(0);
    const seen = (tar: Buffer) => listRawTar(tar).map((e) => [e.name.toString('hex'), e.type, e.linkname.toString('hex'), e.body.toString()]);
    const out = await readFile(outPath);
    expect(seen(out)).toEqual(seen(input));
    expect(new Set(seen(out).map(([name]) => name)).size).toBe(6);
    // libarchive, an independent reader, lists the same bytes
    const listing = execFileSync('bsdtar', ['-tf', outPath], { env: { ...process.env, LC_ALL: 'C' } });
    expect(listing.toString('latin1').split('\n').filter(Boolean)).toEqual(listRawTar(input).map((e) => e.name.toString('latin1').replace(/[\x80-\xff]/g, (c) => `\\${c.charCodeAt(0).toString(8)}`)));
  });
});
