import { EmuBuildCommand } from '@c2w/emu-build';
import { FsSlimCommand } from '@c2w/fs-slim';
import { ErofsPackCommand } from '@c2w/erofs-pack';
import { IsoPackCommand } from '@c2w/iso-pack';
import { LayerFlattenCommand } from '@c2w/layer-flatten';
// the command modules alone: the packages' main entry also loads their binaryen-based cores
import VfsEmbedCommand from '@c2w/vfs-embed/command';
import WasmSplitCommand from '@c2w/wasm-split/command';
import Commit from './commands/commit.js';
import Convert from './commands/convert.js';
import Run from './commands/run.js';
import Serve from './commands/serve.js';

/**
 * The umbrella's command table (oclif "explicit" strategy). Each tool's command class is re-exported
 * as is, so flags, help and errors are defined once and `c2w X` behaves exactly like `X`; convert
 * and run are the umbrella's own, composing the tools' libraries in-process.
 */
export const COMMANDS = {
  convert: Convert,
  commit: Commit,
  run: Run,
  serve: Serve,
  'emu-build': EmuBuildCommand,
  'erofs-pack': ErofsPackCommand,
  'fs-slim': FsSlimCommand,
  'iso-pack': IsoPackCommand,
  'layer-flatten': LayerFlattenCommand,
  'vfs-embed': VfsEmbedCommand,
  'wasm-split': WasmSplitCommand,
};
