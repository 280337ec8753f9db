import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@c2w/testing';
import { convert, tmp } from './helpers/bundles.js';
import { exampleImage } from './helpers/images.js';

const bin = (tool: string) => `node ${join(workspaceRoot, 'packages', tool, 'bin/run.js')}`;

// docs/recipes.md: the stages really are composable; the shell pipeline and the umbrella agree.
describe('docs/recipes.md', () => {
  it('piping the tools gives the same root.erofs as c2w convert', async () => {
    const dir = await tmp('recipe');
    const image = await exampleImage();
    const env = { SOURCE_DATE_EPOCH: '1700000000' };
    const saved = process.env['SOURCE_DATE_EPOCH'];
    process.env['SOURCE_DATE_EPOCH'] = env.SOURCE_DATE_EPOCH;
    try {
      await convert(image, join(dir, 'bundle'));
    } finally {
      if (saved === undefined) delete process.env['SOURCE_DATE_EPOCH'];
      else process.env['SOURCE_DATE_EPOCH'] = saved;
    }
    const script = [
      `${bin('emu-build')} --out pack`,
      `${bin('layer-flatten')} --config-out image-config.json oci:${image}:latest - | ${bin('erofs-pack')} -L C2W -o root.erofs -- pack/guest.tar -:/oci/rootfs`,
    ].join(' && ');
    await execa('bash', ['-o', 'pipefail', '-c', script], { cwd: dir, env });
    expect(readFileSync(join(dir, 'root.erofs')).equals(readFileSync(join(dir, 'bundle', 'root.erofs')))).toBe(true);
    expect(readFileSync(join(dir, 'image-config.json')).equals(readFileSync(join(dir, 'bundle', 'image-config.json')))).toBe(true);
  });
});
