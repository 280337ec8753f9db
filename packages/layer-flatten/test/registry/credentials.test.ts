import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialsFromFlags, dockerConfigCredentials } from '../../src/registry/credentials.js';

describe('credentials', () => {
  it('reads --creds or --username/--password, never both', () => {
    expect(credentialsFromFlags({ creds: 'u:p:q' })).toEqual({ username: 'u', password: 'p:q' });
    expect(credentialsFromFlags({ username: 'u', password: 'p' })).toEqual({ username: 'u', password: 'p' });
    expect(credentialsFromFlags({})).toBeUndefined();
    expect(() => credentialsFromFlags({ creds: 'u:p', username: 'u' })).toThrow('not both');
    expect(() => credentialsFromFlags({ username: 'u' })).toThrow('go together');
    expect(() => credentialsFromFlags({ creds: 'nocolon' })).toThrow('USER:PASSWORD');
  });

  it('finds auths entries of config.json by host, with Docker Hub aliases', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lf-creds-'));
    try {
      await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: {
        'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw').toString('base64') },
        'reg.example:5000': { username: 'u', password: 'p' },
      } }));
      const env = { DOCKER_CONFIG: dir };
      expect(await dockerConfigCredentials('docker.io', env)).toEqual({ username: 'hub', password: 'pw' });
      expect(await dockerConfigCredentials('reg.example:5000', env)).toEqual({ username: 'u', password: 'p' });
      expect(await dockerConfigCredentials('other.example', env)).toBeUndefined();
      expect(await dockerConfigCredentials('docker.io', { HOME: join(dir, 'nowhere') })).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names a config.json that is not JSON or has no auths object, and accepts one without auths', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lf-creds-'));
    try {
      const env = { DOCKER_CONFIG: dir };
      const path = join(dir, 'config.json');
      await writeFile(path, '{"auths": ');
      await expect(dockerConfigCredentials('docker.io', env)).rejects.toThrow(new RegExp(`^registry credentials ${path} are not JSON: `));
      for (const bad of ['[]', '{"auths": []}', '{"auths": {"x": "y"}}']) {
        await writeFile(path, bad);
        await expect(dockerConfigCredentials('docker.io', env)).rejects.toThrow(`registry credentials ${path}: expected an object with an "auths" object of registries`);
      }
      await writeFile(path, '{"credsStore": "desktop"}');
      expect(await dockerConfigCredentials('docker.io', env)).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
