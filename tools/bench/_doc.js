// Writes a bench's markdown file whole, keeping what was written by hand below HAND_MARK in the
// old file (notes on a run, sections of other benches): a re-run used to drop them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const HAND_MARK = '<!-- written by hand below: kept when the bench rewrites this file -->';

/** Writes `generated` to `file`, followed by the old file's part from HAND_MARK on, if any. */
export function writeBenchDoc(file, generated) {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = old.indexOf(HAND_MARK);
  writeFileSync(file, at >= 0 ? `${generated.trimEnd()}\n\n${old.slice(at)}` : generated);
}
