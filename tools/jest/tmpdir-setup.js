// Jest globalSetup (jest.preset.js): one fresh TMPDIR per jest run, for the tests and every
// process they start, removed by tmpdir-teardown.js. Tests make their scratch directories with
// os.tmpdir(), and not all remove them (a failed assertion skips the cleanup): without this,
// each full run left gigabytes in /tmp.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'c2w-test-'));
  // globalSetup and globalTeardown share this process's globals
  globalThis.c2wTestTmp = { dir, previous: process.env.TMPDIR };
  process.env.TMPDIR = dir;
}
