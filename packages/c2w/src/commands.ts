import { IsoPackCommand } from '@c2w/iso-pack';
import { LayerFlattenCommand } from '@c2w/layer-flatten';

/**
 * The umbrella's command table (oclif "explicit" strategy). Each tool's command class is re-exported
 * as is, so flags, help and errors are defined once and `c2w X` behaves exactly like `X`.
 */
export const COMMANDS = {
  'iso-pack': IsoPackCommand,
  'layer-flatten': LayerFlattenCommand,
};
