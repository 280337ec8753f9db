import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeTar, runBin } from '@c2w/testing';

/** A one-layer OCI layout (tag "t") written by hand: enough for layer-flatten to succeed. */
async function writeTinyLayout(dir: string): Promise<void> {
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const put = async (bytes: Buffer) => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    await writeFile(join(blobs, hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const tar = await makeTar([{ name: 'etc/', type: 'directory' }, { name: 'etc/hello', body: 'hello\n', mtime: 1700000000 }, { name: 'bin/sh', type: 'symlink', linkname: 'busybox' }]);
  const layer = await put(gzipSync(tar));
  const diffId = `sha256:${createHash('sha256').update(tar).digest('hex')}`;
  const config = await put(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [diffId] } })));
  const manifest = await put(Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
  })));
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': 't' } }],
  }));
}

/**
 * oclif prints the usage line as `$ c2w layer-flatten SOURCE ...` through the umbrella and as
 * `$ layer-flatten  SOURCE ...` (empty command id, hence two spaces) for the single-command bin, and
 * wraps it at 80 columns, so the line breaks inside USAGE differ too. Everything else is identical.
 */
function normaliseHelp(text: string): string {
  return text
    // nx runs tasks with FORCE_COLOR, so oclif may print bold headings
    .replace(/\x1b\[[0-9;]*m/g, '')
    .replace('$ c2w layer-flatten ', '$ layer-flatten ')
    .replace(/USAGE\n[\s\S]*?\n\n/, (usage) => `${usage.replace(/\s+/g, ' ').trim()}\n\n`);
}

describe('c2w umbrella', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'c2w-umbrella-'));
    await writeTinyLayout(join(work, 'layout'));
  });
  afterAll(async () => { await rm(work, { recursive: true, force: true }); });

  it('runs each tool command exactly as the tool does', async () => {
    const args = ['layer-flatten', 'oci:/nonexistent/layout:latest'];
    const viaUmbrella = await runBin('c2w', args);
    const direct = await runBin('layer-flatten', args.slice(1));
    expect(viaUmbrella.exitCode).toBe(direct.exitCode);
    expect(viaUmbrella.stderr).toBe(direct.stderr);
  });

  it('writes the same tar bytes, stderr and exit code as layer-flatten on success', async () => {
    const args = [`oci:${join(work, 'layout')}:t`, '-'];
    const viaUmbrella = await runBin('c2w', ['layer-flatten', ...args]);
    const direct = await runBin('layer-flatten', args);
    expect(direct.exitCode).toBe(0);
    expect(viaUmbrella.exitCode).toBe(0);
    expect(direct.stdout.length).toBeGreaterThan(1024);
    expect(viaUmbrella.stdout.equals(direct.stdout)).toBe(true);
    expect(viaUmbrella.stderr).toBe(direct.stderr);
  });

  it('prints the same --help as layer-flatten, but for the command name in the usage line', async () => {
    const viaUmbrella = await runBin('c2w', ['layer-flatten', '--help']);
    const direct = await runBin('layer-flatten', ['--help']);
    expect(viaUmbrella.exitCode).toBe(0);
    expect(direct.exitCode).toBe(0);
    expect(normaliseHelp(viaUmbrella.stdout.toString())).toContain('$ layer-flatten SOURCE [OUT]');
    expect(viaUmbrella.stdout.toString()).toContain('$ c2w layer-flatten SOURCE [OUT]');
    expect(direct.stdout.toString()).toContain('$ layer-flatten  SOURCE [OUT]');
    expect(normaliseHelp(viaUmbrella.stdout.toString())).toBe(normaliseHelp(direct.stdout.toString()));
    expect(viaUmbrella.stderr).toBe(direct.stderr);
  });

  it('lists the tools in its help', async () => {
    const r = await runBin('c2w', ['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toContain('layer-flatten');
  });
});
