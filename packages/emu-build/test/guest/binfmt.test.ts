import { registrationLine } from '../../src/guest/binfmt.js';
import { QEMU_X86_64_CONF } from '../fixtures/guest-debs.js';

describe('registrationLine', () => {
  it("keeps Debian's magic and mask, uses the static emulator and flag F", () => {
    const line = registrationLine(QEMU_X86_64_CONF, 'x86_64', 'qemu-x86_64.conf');
    expect(line).toBe(':qemu-x86_64:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\x3e\\x00:\\xff\\xff\\xff\\xff\\xff\\xfe\\xfe\\xfc\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/bin/qemu-x86_64:PF\n');
  });

  it('refuses files without a magic registration', () => {
    expect(() => registrationLine('# nothing\n', 'x86_64', 'f')).toThrow(/no binfmt registration line/);
    expect(() => registrationLine(':qemu-x:E::exe::/bin/x:\n', 'x', 'f')).toThrow(/unexpected binfmt line/);
  });
});
