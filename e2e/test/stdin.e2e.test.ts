import { execa } from 'execa';
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runBin, workspaceRoot } from '@c2w/testing';
import { convert, tmp } from './helpers/bundles.js';
import { exampleImage } from './helpers/images.js';

// stdin that is not a terminal reaches the container as a pipe with an end, as with Docker
// without -t: the machine's c2w.stdin port (docs/decisions/0010-stdin-eof-port.md).
describe('c2w run with stdin from a pipe or a file', () => {
  let bundle: string;
  let dir: string;
  beforeAll(async () => {
    dir = await tmp('stdin');
    bundle = await convert(await exampleImage(), join(dir, 'example'));
  });

  it('cat copies piped input and exits at its end', async () => {
    const r = await runBin('c2w', ['run', bundle, '--', 'cat'], { input: 'a\nb\n' });
    expect(r.stdout.toString()).toBe('a\nb\n');
    expect(r.exitCode).toBe(0);
  });

  it('wc counts the lines and bytes of a 1 MB file', async () => {
    const lines = Array.from({ length: 25_000 }, (_, i) => `line ${i} ${'x'.repeat(38)}`);
    const text = lines.join('\n').slice(0, 1_000_000 - 1) + '\n';
    expect(text.length).toBe(1_000_000);
    const file = join(dir, 'one-mb.txt');
    await writeFile(file, text);
    const nl = text.split('\n').length - 1;
    const started = Date.now();
    const r = await runBin('c2w', ['run', bundle, '--', 'wc', '-l'], { inputFile: file });
    const seconds = (Date.now() - started) / 1000;
    expect(r.stdout.toString().trim()).toBe(String(nl));
    expect(r.exitCode).toBe(0);
    const c = await runBin('c2w', ['run', bundle, '--', 'wc', '-c'], { inputFile: file });
    expect(c.stdout.toString().trim()).toBe('1000000');
    expect(c.exitCode).toBe(0);
    process.stderr.write(`c2w run -- wc -l < 1 MB file: ${seconds.toFixed(2)} s including boot\n`);
  });

  it('cat exits 0 at once when stdin is /dev/null', async () => {
    const r = await runBin('c2w', ['run', bundle, '--', 'cat']);
    expect(r.stdout.toString()).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('sh reads a script from a pipe', async () => {
    const r = await runBin('c2w', ['run', bundle, '--', 'sh'], { input: 'echo one; exit 4\necho not reached\n' });
    expect(r.stdout.toString()).toBe('one\n');
    expect(r.exitCode).toBe(4);
  });

  it('sh ends at the end of a script without exit', async () => {
    const r = await runBin('c2w', ['run', bundle, '--', 'sh'], { input: 'echo last\n' });
    expect(r.stdout.toString()).toBe('last\n');
    expect(r.exitCode).toBe(0);
  });

  it('passes 200 KB of binary input unchanged (md5sum)', async () => {
    const data = randomBytes(200 * 1024);
    // the example image links no md5sum applet; its busybox has one
    const r = await runBin('c2w', ['run', bundle, '--', 'busybox', 'md5sum'], { input: data });
    expect(r.stdout.toString()).toBe(`${createHash('md5').update(data).digest('hex')}  -\n`);
    expect(r.exitCode).toBe(0);
  });

  it('runs when stdin is a terminal', async () => {
    // script(1) gives c2w a pseudo-terminal as stdin; the container still runs and exits.
    const bin = join(workspaceRoot, 'packages/c2w/bin/run.js');
    const r = await execa('script', ['-qec', `${process.execPath} ${bin} run ${bundle} -- echo on-a-tty`, '/dev/null'], { reject: false, stdin: 'ignore' });
    expect(r.stdout.replace(/\r/g, '')).toMatch(/on-a-tty(\n|$)/); // script(1) may drop the last newline
    expect(r.exitCode).toBe(0);
  });

  it('from a terminal, gets each typed line and sees the end of input at Ctrl-D (ADR 0054)', async () => {
    // typed once the container waits: the host terminal echoes and sends each line on Enter;
    // Ctrl-D on an empty line ends c2w's stdin, and so the container's (docker run -i)
    const ptyRun = join(workspaceRoot, 'e2e/test/helpers/pty-run.py');
    const bin = join(workspaceRoot, 'packages/c2w/bin/run.js');
    const script = 'echo ready; read x; echo "got [$x]"; wc -l';
    const r = await execa('python3', [ptyRun, '24', '80', 'ready', 'type:one\\ntwo\\nthree\\n\\x04', '--', process.execPath, bin, 'run', bundle, '--', 'sh', '-c', script], { reject: false, stdin: 'ignore' });
    const lines = r.stdout.split(/\r?\n/).map((l) => l.replace(/\r/g, '')).filter((l) => l !== '');
    expect(lines.slice(lines.indexOf('got [one]'))).toEqual(['got [one]', '2']);
    expect(r.exitCode).toBe(0);
  });
});
