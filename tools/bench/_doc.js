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

/**
 * Replaces a bench's own section of a shared file (docs/bench/machine.md): the text from `begin` to
 * `end`, both markers included in `section`; appended when the file has none yet. The section is
 * echoed on stdout.
 */
export function writeBenchSection(file, begin, end, section) {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(begin);
  writeFileSync(file, start < 0 ? `${text.trimEnd()}\n\n${section}\n` : `${text.slice(0, start)}${section}${text.slice(text.indexOf(end) + end.length)}`);
  process.stdout.write(`${section}\n`);
}
