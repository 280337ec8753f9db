import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError } from '@c2w/errors';
import { commitAll, createAtomicFile, createAtomicOutput, createAtomicOutputs, writeAllAtomically } from '../src/index.js';

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });

describe('outputs committed together', () => {
  it('appear together, only after every one is written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-commit-'));
    const [tar, report] = await createAtomicOutputs([{ path: join(dir, 'a.tar'), what: 'tar' }, { path: join(dir, 'r.json'), what: 'report' }]);
    await writeAllAtomically([tar, report], async () => {
      tar.stream.write('tar');
      report.stream.write('{}');
      expect((await readdir(dir)).filter((n) => !n.startsWith('.'))).toEqual([]);
    });
    expect((await readdir(dir)).sort()).toEqual(['a.tar', 'r.json']);
    expect(await readFile(join(dir, 'a.tar'), 'utf8')).toBe('tar');
  });

  it('a late failure (the report after the tar) leaves none of them, and names the file that failed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-commit-'));
    const tar = await createAtomicOutput(join(dir, 'a.tar'), 'output tar');
    const report = await createAtomicOutput(join(dir, 'r.json'), 'report');
    const err = await writeAllAtomically([tar, report], async () => {
      tar.stream.write('tar');
      report.stream.destroy(enospc()); // as a full disk fails a write stream
    }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toBe(`writing report ${join(dir, 'r.json')} failed: ENOSPC`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('a failure of the work itself removes every temporary file and passes unchanged', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-commit-'));
    const outs = await createAtomicOutputs([{ path: join(dir, 'a'), what: 'a' }, undefined, { path: join(dir, 'b'), what: 'b' }]);
    expect(outs[1]).toBeUndefined();
    const boom = new Error('boom');
    await expect(writeAllAtomically(outs, async () => { throw boom; })).rejects.toBe(boom);
    expect(await readdir(dir)).toEqual([]);
  });

  it('creating them fails at once on a missing directory, leaving none of the others', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-commit-'));
    await expect(createAtomicOutputs([{ path: join(dir, 'a'), what: 'tar' }, { path: join(dir, 'no', 'r.json'), what: 'report' }]))
      .rejects.toThrow(`cannot create report ${join(dir, 'no', 'r.json')}: ENOENT`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('commits a seekable file with a stream output; its write errors are named after its path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-commit-'));
    const iso = await createAtomicFile(join(dir, 'a.iso'), 'image');
    const log = await createAtomicOutput(join(dir, 'a.log'), 'log');
    await iso.handle.write(Buffer.from('ISO'), 0, 3, 0);
    log.stream.write('ok');
    expect((iso.blame(enospc()) as Error).message).toBe(`writing image ${join(dir, 'a.iso')} failed: ENOSPC`);
    const readFailure = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', syscall: 'read' });
    expect(iso.blame(readFailure)).toBe(readFailure); // an input's failure is not the image's
    await commitAll([iso, log]);
    expect((await readdir(dir)).sort()).toEqual(['a.iso', 'a.log']);
  });
});
