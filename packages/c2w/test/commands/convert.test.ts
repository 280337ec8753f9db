import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin } from '@c2w/testing';

// Every command that stamps times reads SOURCE_DATE_EPOCH through cli-kit's one parser, before any
// work: a bad value is a usage error, never a silent fallback to "now" or 0.
describe('SOURCE_DATE_EPOCH through the real binaries', () => {
  const bad = '17e8';
  const message = `SOURCE_DATE_EPOCH="${bad}" is not a number of seconds, expected a non-negative integer`;

  it.each([
    ['c2w', ['convert', 'oci:IMAGE', 'OUT'], 'c2w convert'],
    ['layer-flatten', ['oci:IMAGE', 'OUT.tar'], 'layer-flatten'],
    ['iso-pack', ['IN.tar', '-o', 'OUT.iso'], 'iso-pack'],
    ['erofs-pack', ['IN.tar', '-o', 'OUT.erofs'], 'erofs-pack'],
    ['emu-build', ['--offline', '--out', 'OUT', '--cache', 'CACHE'], 'emu-build'],
  ])('%s %j exits 2 with one line and writes nothing', async (bin, args, tool) => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-sde-'));
    await writeFile(join(dir, 'IN.tar'), Buffer.alloc(1024));
    const r = await runBin(bin, args, { cwd: dir, env: { PATH: process.env['PATH'] ?? '', SOURCE_DATE_EPOCH: bad } });
    expect({ exitCode: r.exitCode, stderr: r.stderr, stdout: r.stdout.length }).toEqual({ exitCode: 2, stderr: `${tool}: ${message}`, stdout: 0 });
    expect(await readdir(dir)).toEqual(['IN.tar']);
  });
});
