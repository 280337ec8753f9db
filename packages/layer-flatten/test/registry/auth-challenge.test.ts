import { parseChallenges } from '../../src/registry/auth-challenge.js';

describe('WWW-Authenticate', () => {
  it('parses Bearer parameters with quoted commas and several challenges', () => {
    expect(parseChallenges('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' } },
    ]);
    expect(parseChallenges('Basic realm="r", Bearer realm="t"')).toEqual([
      { scheme: 'basic', params: { realm: 'r' } }, { scheme: 'bearer', params: { realm: 't' } },
    ]);
    expect(parseChallenges('')).toEqual([]);
  });
});
