import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runBin, workspaceRoot } from '@c2w/testing';
import { c2w, convert, tmp } from './helpers/bundles.js';
import { pythonImage } from './helpers/images.js';

type QemuCommand = (root: string, bundle: string, args: string[], channel: string, opts?: { cpu?: string }) => Promise<string>;

/** The lines a run printed between fp-check.py's markers (QEMU's serial console ends them with \r\n). */
function checked(output: string): string[] {
  const lines = output.replace(/\r/g, '').split('\n');
  const begin = lines.indexOf('FP-BEGIN');
  const end = lines.indexOf('FP-END');
  if (begin < 0 || end < begin) throw new Error(`fp-check.py did not finish:\n${output.slice(-3000)}`);
  return lines.slice(begin + 1, end);
}

// The machine's floating point is its own software (native/riscv64/fpu.c: rounding, NaN boxing,
// fflags), which test/isa checks operation by operation against QEMU. This is the same check on a
// real workload: Debian's numpy, reference BLAS/LAPACK and libm on riscv64, with the JIT off and on
// (issue 12), against qemu-system-riscv64 booting the same bundle. QEMU's CPU is told to leave out
// the extensions our machine does not have (V, Zb*, Zfh), so that the libraries take the same paths.
describe('numpy on riscv64: the machine computes what QEMU computes', () => {
  let bundle: string;
  let script: string;
  let dir: string;
  beforeAll(async () => {
    dir = await tmp('numpy');
    bundle = await convert(await pythonImage({ numpy: true }), join(dir, 'numpy'));
    script = await readFile(join(import.meta.dirname, 'fixtures/numpy/fp-check.py'), 'utf8');
  });

  it('prints bit-identical results with the interpreter, with the JIT and on qemu-system-riscv64', async () => {
    const interp = await c2w(['run', bundle, '--', 'python3', '-c', script]);
    expect(interp.exitCode).toBe(0);
    const ours = checked(interp.stdout.toString());
    // sanity: numpy's own view of the formats, so that three equal failures cannot pass
    expect(ours[0]).toBe("('float16', np.float16(0.000977), np.float16(6.104e-05), np.float16(65500.0), 3, np.float16(0.001))");
    expect(ours).toHaveLength(40);

    const { qemuRiscv64Command } = (await import(pathToFileURL(join(workspaceRoot, 'tools/bench/_qemu-riscv64.js')).href)) as { qemuRiscv64Command: QemuCommand };
    const cmd = await qemuRiscv64Command(workspaceRoot, bundle, ['python3', '-c', script], join(dir, 'channel.tar'),
      { cpu: 'rv64,v=false,zba=false,zbb=false,zbc=false,zbs=false,Zfh=false,Zfhmin=false' });
    const q = await execa('bash', ['-c', cmd], { reject: false, timeout: 600_000 });
    expect(checked(q.stdout)).toEqual(ours);

    const jit = await runBin('c2w', ['run', '--stats', bundle, '--', 'python3', '-c', script], { keepStdinOpen: true, env: { C2W_JIT: '1' } });
    expect(jit.exitCode).toBe(0);
    expect(checked(jit.stdout.toString())).toEqual(ours);
    // and the JIT did run a share of it
    const translated = /c2w-machine: jit: (\d+) instructions in translations/.exec(jit.stderr);
    expect(Number(translated?.[1])).toBeGreaterThan(1e8);
  });
});
