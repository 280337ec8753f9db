import { UsageError } from '@c2w/errors';
import { parsePublish } from '../../src/run/publish.js';

describe('parsePublish (-p)', () => {
  it('takes HOST_PORT:CONTAINER_PORT with an optional /tcp, as docker run -p', () => {
    expect(parsePublish('8080:80')).toEqual({ hostPort: 8080, guestPort: 80 });
    expect(parsePublish('1:65535/tcp')).toEqual({ hostPort: 1, guestPort: 65535 });
  });

  it.each([['80'], ['a:80'], ['80:80/sctp'], ['0:80'], ['80:70000'], ['127.0.0.1:80:80'], ['80:80/udp']])('refuses %s as a usage error naming it', (spec) => {
    expect(() => parsePublish(spec)).toThrow(UsageError);
    expect(() => parsePublish(spec)).toThrow(`-p '${spec}'`);
  });
});
