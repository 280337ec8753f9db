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
});
