// The interpreter has a compressed case (Insn.op | OP_C) for exactly the operations a 16-bit
// encoding decodes to (docs/decisions/0061): none missing, which in wasm, whose switch default is
// unreachable, would be undefined behaviour, and none the decoder never makes, which would only
// deepen the dispatch tree. The decoder's side comes from test/rvc-ops.c run over all 16-bit
// encodings, the loop's from cpu_loop.h's label table (the wasm switch's cases come from the same
// macros: OPX/BRANCH and a pair with PAIR_FORMS 2 make both forms, OP4/BRANCH4 and PAIR_FORMS 1 one).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OP_NAMES } from '../src/jit-layout.js';
import { pkgDir } from './helpers.js';

const native = join(pkgDir, 'native');

function decoderForms(): Set<string> {
  const dir = mkdtempSync(join(tmpdir(), 'rvc-ops-'));
  try {
    const exe = join(dir, 'rvc-ops');
    const cc = spawnSync('gcc', ['-O1', `-I${join(native, 'riscv64')}`, `-I${join(native, 'common')}`, '-o', exe,
      join(pkgDir, 'test', 'rvc-ops.c'), join(native, 'riscv64', 'decode.c')], { encoding: 'utf8' });
    if (cc.status !== 0) throw new Error(`building test/rvc-ops.c failed: ${cc.stderr}`);
    const r = spawnSync(exe, { encoding: 'utf8' });
    return new Set(r.stdout.trim().split('\n').map((n) => OP_NAMES[Number(n)]!));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('compressed forms', () => {
  it('the loop has a compressed case for every operation a 16-bit encoding decodes to, and no other', () => {
    const forms = decoderForms();
    expect(forms).toContain('ADDI'); // the probe ran
    const loop = readFileSync(join(native, 'riscv64', 'cpu_loop.h'), 'utf8');
    const table = /op_label\[256\] = \{([\s\S]*?)\};/.exec(loop)![1]!;
    const cases = new Set([
      ...[...table.matchAll(/\bT(?:2|1C)\((\w+)\)/g)].map((m) => m[1]!),
      ...[...table.matchAll(/\bTA\((\w+) \| OP_C,/g)].map((m) => m[1]!),
    ]);
    expect([...cases].sort()).toEqual([...forms].sort());
    // a pair starts compressed only when its first operation can be
    const firsts = new Set([...loop.matchAll(/^#define PAIR_FORMS_(\w+) ([12])$/gm)].map((m) => `${m[1]} ${m[2]}`));
    const pairFirsts = new Set(OP_NAMES.slice(OP_NAMES.indexOf('SD_SD')).map((n) => n.slice(0, n.indexOf('_'))));
    expect([...firsts].sort()).toEqual([...pairFirsts].map((a) => `${a} ${forms.has(a) ? 2 : 1}`).sort());
  });
});
