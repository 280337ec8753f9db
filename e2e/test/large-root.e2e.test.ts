import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runBin, workspaceRoot } from '@c2w/testing';
import { tmp } from './helpers/bundles.js';
import { exampleImage } from './helpers/images.js';

// A 5 GiB root (issue 18; the 16 GiB case is `npm run bench large-root`): a file over 4 GiB whose
// markers before, across and past 4 GiB the guest reads back, small files with sage-like names in
// a 10,000-entry directory, and the image's own program (tools/bench/build-large-root.py).
describe('c2w convert + run: a 5 GiB root', () => {
  let dir: string;
  let expected: { markers: Record<string, string>; files: number; bigSize: number; pattern: string | null };
  let bundle: string;
  beforeAll(async () => {
    dir = await tmp('large-root');
    // the image (a small gzip layer) is cached by the generator's hash and arguments: generating
    // 5 GiB took half of this test's 4.8 minutes on a loaded host
    const script = join(workspaceRoot, 'tools/bench/build-large-root.py');
    const args = ['--gib', '5', '--files', '20000', '--big-dirs', '1'];
    const example = await exampleImage();
    const key = createHash('sha256').update(await readFile(script)).update(args.join(' ')).update(example).digest('hex').slice(0, 16);
    const image = join(process.env['C2W_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'c2w'), 'large-root', key);
    await execa('python3', [script, example, image, ...args]);
    expected = JSON.parse(await readFile(join(image, 'done'), 'utf8'));
    // convert's helper takes the "latest" tag; the generator tags "large"
    const r = await runBin('c2w', ['convert', `oci:${join(image, 'oci')}:large`, join(dir, 'bundle')]);
    if (r.exitCode !== 0) throw new Error(`c2w convert failed (${r.exitCode}): ${r.stderr}`);
    bundle = join(dir, 'bundle');
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('packs every byte: the root disk holds the 5 GiB of file data', async () => {
    expect((await stat(join(bundle, 'root.erofs'))).size).toBeGreaterThan(5 * 2 ** 30);
  });

  it('reads the markers past 4 GiB, counts the files and runs the image\'s program', async () => {
    const r = await runBin('c2w', ['run', bundle], { env: { C2W_STATE_HOME: join(dir, 'state') } });
    expect(r.stderr).toBe('');
    const out = r.stdout.toString();
    const offsets = Object.keys(expected.markers);
    expect(offsets.filter((o) => Number(o) > 2 ** 32).length).toBeGreaterThanOrEqual(2);
    for (const [off, text] of Object.entries(expected.markers)) expect(out).toContain(`marker ${off} ${text}\n`);
    expect(out).toContain(`files ${expected.files}\n`);
    expect(out).toContain(`size ${expected.bigSize}\n`);
    expect(out).toContain(`pattern ${expected.pattern}\n`);
    expect(r.exitCode).toBe(0);
  });
});
