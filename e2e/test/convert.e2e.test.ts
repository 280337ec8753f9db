import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bundle } from '@c2w/artifacts';
import { readFileSync } from 'node:fs';
import { c2w, tmp } from './helpers/bundles.js';
import { corruptLargestBlob, derivedImage, exampleImage } from './helpers/images.js';

// Bad input: one line on stderr, exit 1, and nothing left where the bundle would have been.
describe('c2w convert', () => {
  let example: string;
  let dir: string;
  beforeAll(async () => {
    example = await exampleImage();
    dir = await tmp('convert');
  });

  const expectNoOutput = (out: string) => {
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
  };

  it('writes a valid bundle for the example image', async () => {
    const out = join(dir, 'ok');
    const r = await c2w(['convert', '--json', `oci:${example}:latest`, out]);
    expect(r.stderr).toMatch(/root\.erofs/); // the default root format (ADR 0031)
    expect(r.exitCode).toBe(0);
    const bundle = Bundle.parse(JSON.parse(readFileSync(join(out, 'bundle.json'), 'utf8')));
    expect(bundle.image.architecture).toBe('riscv64');
    expect(JSON.parse(r.stdout.toString()).outDir).toBe(out);
  });

  it('refuses a missing image', async () => {
    const out = join(dir, 'missing');
    const r = await c2w(['convert', `oci:${dir}/nope:latest`, out]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expectNoOutput(out);
  });

  it('refuses a file that is not an image', async () => {
    const file = join(dir, 'not-an-image.tar');
    writeFileSync(file, 'hello\n');
    const out = join(dir, 'notimage');
    const r = await c2w(['convert', `oci-archive:${file}`, out]);
    expect(r.exitCode).toBe(1);
    expectNoOutput(out);
  });

  it('refuses a corrupt layer', async () => {
    const img = await derivedImage(example, join(dir, 'corrupt-img'), []);
    await corruptLargestBlob(img);
    const out = join(dir, 'corrupt');
    const r = await c2w(['convert', `oci:${img}:latest`, out]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/digest|size|gzip/);
    expectNoOutput(out);
  });

  it('refuses an unsupported architecture', async () => {
    const img = await derivedImage(example, join(dir, 's390x-img'), ['--architecture', 's390x']);
    const out = join(dir, 's390x');
    const r = await c2w(['convert', `oci:${img}:latest`, out]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/architecture s390x is not supported/);
    expectNoOutput(out);
  });

  it('refuses to overwrite without --force', async () => {
    const r = await c2w(['convert', `oci:${example}:latest`, join(dir, 'ok')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/already exists/);
  });
});
