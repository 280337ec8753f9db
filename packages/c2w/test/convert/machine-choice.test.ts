import { UsageError } from '@c2w/errors';
import { chooseMachine } from '../../src/convert/machine-choice.js';

describe('chooseMachine', () => {
  it.each([
    ['amd64', undefined, 'x86_64'],
    ['riscv64', undefined, 'riscv64'],
    ['arm64', undefined, 'riscv64'],
    ['amd64', 'riscv64', 'riscv64'],
    ['amd64', 'x86_64', 'x86_64'],
    ['riscv64', 'riscv64', 'riscv64'],
    ['arm64', 'riscv64', 'riscv64'],
  ] as const)('a %s image with --machine %s runs on %s', (image, forced, want) => {
    expect(chooseMachine(image, forced)).toBe(want);
  });

  it.each(['riscv64', 'arm64'])('refuses --machine x86_64 for a %s image as a usage error', (image) => {
    const err = (() => { try { chooseMachine(image, 'x86_64'); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(`--machine x86_64 runs amd64 images only; this image is ${image} (omit --machine, pass --machine riscv64, or pick linux/amd64 with --platform)`);
  });

});
