import { FsSlimCommand } from '@c2w/fs-slim';
import { IsoPackCommand } from '@c2w/iso-pack';
import { LayerFlattenCommand } from '@c2w/layer-flatten';

/**
 * The umbrella's command table (oclif "explicit" strategy). Each tool's command class is re-exported
 * as is, so flags, help and errors are defined once and `c2w X` behaves exactly like `X`.
 */
export const COMMANDS = {
  'fs-slim': FsSlimCommand,
  'iso-pack': IsoPackCommand,
  'layer-flatten': LayerFlattenCommand,
};
