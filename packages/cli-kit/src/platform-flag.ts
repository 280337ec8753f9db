import { Flags } from '@oclif/core';

/** Flags several tools share, defined once so help text and parsing agree everywhere. */
export const sharedFlags = {
  platform: Flags.string({
    description: 'platform to select from a multi-platform image, os/arch[/variant] (default: linux/riscv64, then the only one)',
    helpValue: 'os/arch[/variant]',
  }),
};
