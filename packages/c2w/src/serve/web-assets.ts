import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultWasmPath } from '@c2w/machine';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};
export const contentType = (file: string): string => CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';

/** The page's own files (packages/c2w/web, beside src/ and dist/) and the libraries it loads. */
export function webAssets(): Map<string, string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const web = resolve(here, '..', '..', 'web');
  const require = createRequire(import.meta.url);
  const assets = new Map<string, string>();
  for (const f of readdirSync(web)) assets.set(`/${f}`, join(web, f));
  assets.set('/', join(web, 'index.html'));
  // xterm's ES module build and stylesheet; the WASI shim's dist is a set of relative ES modules
  const xterm = dirname(require.resolve('@xterm/xterm'));
  assets.set('/vendor/xterm.mjs', join(xterm, 'xterm.mjs'));
  assets.set('/vendor/xterm.css', join(xterm, '..', 'css', 'xterm.css'));
  // fits the terminal to its element: the container's pty follows that size (docs/serve.md)
  assets.set('/vendor/addon-fit.mjs', join(dirname(require.resolve('@xterm/addon-fit')), 'addon-fit.mjs'));
  // the Node host's console ring, for cross-origin isolated pages (its package exports no file paths)
  assets.set('/vendor/stdin-ring.js', join(dirname(defaultWasmPath()), '..', '..', 'dist', 'stdin-ring.js'));
  // and its terminal size cell: a worker blocked in Atomics.wait takes resizes only through memory
  assets.set('/vendor/winsize-cell.js', join(dirname(defaultWasmPath()), '..', '..', 'dist', 'winsize-cell.js'));
  const shim = dirname(require.resolve('@bjorn3/browser_wasi_shim'));
  for (const f of readdirSync(shim)) if (f.endsWith('.js')) assets.set(`/vendor/wasi-shim/${f}`, join(shim, f));
  return assets;
}
