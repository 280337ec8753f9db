import Commit from './commands/commit.js';
import Convert from './commands/convert.js';
import EmuBuild from './commands/emu-build.js';
import ErofsPack from './commands/erofs-pack.js';
import FsSlim from './commands/fs-slim.js';
import IsoPack from './commands/iso-pack.js';
import LayerFlatten from './commands/layer-flatten.js';
import Run from './commands/run.js';
import Serve from './commands/serve.js';
import VfsEmbed from './commands/vfs-embed.js';
import WasmSplit from './commands/wasm-split.js';

/**
 * The umbrella's command table, for code that drives c2w in-process. oclif itself finds the
 * commands one file each in dist/commands/ (its "pattern" strategy) through oclif.manifest.json,
 * so `c2w run` loads run's module alone, not every tool's (docs/decisions/0051). Each tool's
 * command class is re-exported as is, so `c2w X` behaves exactly like `X`; convert, commit, run
 * and serve are the umbrella's own, composing the tools' libraries in-process.
 */
export const COMMANDS = {
  convert: Convert,
  commit: Commit,
  run: Run,
  serve: Serve,
  'emu-build': EmuBuild,
  'erofs-pack': ErofsPack,
  'fs-slim': FsSlim,
  'iso-pack': IsoPack,
  'layer-flatten': LayerFlatten,
  'vfs-embed': VfsEmbed,
  'wasm-split': WasmSplit,
};
