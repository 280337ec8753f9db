import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRelease, signedText, verifyInRelease } from '../../src/debian/in-release.js';

const FIXTURE = 'test/fixtures/trixie-InRelease';

describe('InRelease', () => {
  it('verifies the real trixie InRelease with gpgv and the Debian keyring', async () => {
    await expect(verifyInRelease(FIXTURE)).resolves.toBeUndefined();
  });

  it('rejects a tampered copy (one digest changed)', async () => {
    const text = await readFile(FIXTURE, 'utf8');
    const dir = await mkdtemp(join(tmpdir(), 'emu-build-inrelease-'));
    const bad = join(dir, 'InRelease');
    const line = text.split('\n').find((l) => l.endsWith('main/binary-riscv64/Packages.xz') && /^ [0-9a-f]{64} /.test(l))!;
    await writeFile(bad, text.replace(line, line.replace(/^ ./, (m) => (m === ' 0' ? ' 1' : ' 0'))));
    await expect(verifyInRelease(bad)).rejects.toThrow(/InRelease signature check failed/);
  });

  it('rejects a valid signature made by a key outside the keyring', async () => {
    await expect(verifyInRelease(FIXTURE, '/usr/share/keyrings/debian-archive-removed-keys.gpg')).rejects.toThrow(/signature check failed/);
  });

  it('parses the SHA256 list of the signed text', async () => {
    const release = parseRelease(signedText(await readFile(FIXTURE, 'utf8')));
    expect(release.codename).toBe('trixie');
    const idx = release.files.get('main/binary-riscv64/Packages.xz');
    expect(idx?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(idx?.size).toBeGreaterThan(1_000_000);
    expect(release.noArchAll).toBe('Packages');
  });

  it('refuses text that is not clearsigned', () => {
    expect(() => signedText('Origin: Debian\n')).toThrow(/not a clearsigned/);
  });
});
