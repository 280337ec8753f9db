import { mkdtemp as makeTemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsSlimReport } from '@c2w/artifacts';
import { listTar, makeTar, runBin } from '@c2w/testing';
import { tree } from './slim-fixture.js';

const temps: string[] = [];
async function mkdtemp(prefix: string): Promise<string> {
  const dir = await makeTemp(prefix);
  temps.push(dir);
  return dir;
}
afterAll(async () => { await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))); });

describe('fs-slim (the bin)', () => {
  it('reads stdin, writes stdout, and prints a summary on stderr', async () => {
    const input = await makeTar(tree('usr/share/doc/a/README', 'usr/bin/x'));
    const res = await runBin('fs-slim', ['-', '-'], { input });
    expect(res.exitCode).toBe(0);
    expect((await listTar(res.stdout)).map((e) => e.name)).toEqual(['usr/', 'usr/share/', 'usr/share/doc/', 'usr/share/doc/a/', 'usr/bin/', 'usr/bin/x']);
    expect(res.stderr).toMatch(/^fs-slim: profile safe: .* 1 of 2 files removed/);
  });

  it('--dry-run writes only the report, which validates against its schema', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-fs-slim-'));
    await writeFile(join(dir, 'in.tar'), await makeTar(tree('usr/share/doc/a/README')));
    const res = await runBin('fs-slim', ['--dry-run', join(dir, 'in.tar')]);
    expect(res.exitCode).toBe(0);
    const report = FsSlimReport.parse(JSON.parse(res.stdout.toString()));
    expect(report).toMatchObject({ dryRun: true, removed: [{ id: 'docs', files: 1 }] });
    expect(await readdir(dir)).toEqual(['in.tar']);
  });

  it('exits 1 on a truncated tar and leaves no output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-fs-slim-'));
    const tar = await makeTar([{ name: 'usr/a', body: 'x'.repeat(5000) }, { name: 'usr/b', body: 'y' }]);
    await writeFile(join(dir, 'in.tar'), tar.subarray(0, 2048)); // cut inside a body
    const res = await runBin('fs-slim', [join(dir, 'in.tar'), join(dir, 'out.tar'), '--report', join(dir, 'r.json')]);
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/^fs-slim: input tar is truncated/);
    expect(await readdir(dir)).toEqual(['in.tar']);
  });

  it('exits 2 on a bad invocation and 1 on a bad image config', async () => {
    expect((await runBin('fs-slim', ['--profile', 'extreme'])).exitCode).toBe(2);
    expect((await runBin('fs-slim', ['--dry-run', '-', 'out.tar'], { input: '' })).exitCode).toBe(2);
    const dir = await mkdtemp(join(tmpdir(), 'c2w-fs-slim-'));
    await writeFile(join(dir, 'config.json'), '{"Cmd": []}');
    const res = await runBin('fs-slim', ['--keep-from', join(dir, 'config.json')], { input: '' });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/not an OCI image config/);
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe('{"Cmd": []}');
  });
});
