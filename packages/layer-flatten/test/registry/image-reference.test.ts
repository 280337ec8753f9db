import { isLoopback, parseImageReference } from '../../src/registry/image-reference.js';

describe('image references', () => {
  it('follows Docker reference rules for hosts, library/ and tags', () => {
    expect(parseImageReference('busybox')).toMatchObject({ registry: 'docker.io', repository: 'library/busybox', tag: 'latest' });
    expect(parseImageReference('user/app:1.0')).toMatchObject({ registry: 'docker.io', repository: 'user/app', tag: '1.0' });
    expect(parseImageReference('localhost/app')).toMatchObject({ registry: 'localhost', repository: 'app' });
    expect(parseImageReference('127.0.0.1:5000/a/b:c')).toMatchObject({ registry: '127.0.0.1:5000', repository: 'a/b', tag: 'c' });
    expect(() => parseImageReference('app:bad tag')).toThrow('invalid tag');
  });

  it('knows loopback hosts', () => {
    expect(isLoopback('127.0.0.1:5000')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('[::1]:5000')).toBe(true);
    expect(isLoopback('127.example.com')).toBe(false);
  });
});
