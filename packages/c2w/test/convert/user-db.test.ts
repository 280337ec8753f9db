import { parseUserDb, resolveUser } from '../../src/convert/user-db.js';

const db = parseUserDb('root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\nbroken line\n', 'root:x:0:\nstaff:x:50:app\n');

describe('resolveUser', () => {
  it.each([
    ['', '0:0'],
    ['app', '1000:1001'],
    ['app:staff', '1000:50'],
    ['1000', '1000:1001'],
    ['1234', '1234:0'],
    ['1234:7', '1234:7'],
    ['root:50', '0:50'],
  ])('%j -> %s', (spec, out) => expect(resolveUser(spec, db)).toBe(out));

  it('names a missing user or group', () => {
    expect(() => resolveUser('ghost', db)).toThrow(/user "ghost" is not in the image's \/etc\/passwd/);
    expect(() => resolveUser('app:ghosts', db)).toThrow(/group "ghosts"/);
  });

  it('skips malformed passwd lines', () => {
    expect(Object.keys(db.users)).toEqual(['root', 'app']);
  });
});
