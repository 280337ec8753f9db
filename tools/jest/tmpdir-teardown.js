// Jest globalTeardown: removes the run's TMPDIR (tmpdir-setup.js). C2W_KEEP_TEST_TMP=1 keeps it
// for a post-mortem.
import { rmSync } from 'node:fs';

export default function teardown() {
  const run = globalThis.c2wTestTmp;
  if (!run) return;
  if (run.previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = run.previous;
  if (process.env.C2W_KEEP_TEST_TMP !== '1') rmSync(run.dir, { recursive: true, force: true });
}
