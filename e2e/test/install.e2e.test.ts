import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { workspaceRoot } from '@c2w/testing';
import { tmp } from './helpers/bundles.js';
import { amd64ExampleImage, exampleImage } from './helpers/images.js';

/**
 * The user's path: the tarballs `npm run pack` writes, installed with npm into an empty directory
 * (no workspace, no clone), then `npx c2w` with a PATH that has node, npm and sh and nothing else:
 * no clang, no cross compiler, no make. The runtime pack comes from its npm package.
 */
describe('installed from the npm tarballs', () => {
  let npmDir: string;
  let project: string;
  let env: Record<string, string>;
  let image: string;
  let tarballs: string[];
  let root: string;

  const sh = (script: string) => execa('sh', ['-c', script], { cwd: project, env, extendEnv: false, reject: false });
  const npx = (args: string[], extra: Record<string, string> = {}) =>
    execa('npx', ['--no-install', 'c2w', ...args], { cwd: project, env: { ...env, ...extra }, extendEnv: false, reject: false, stdin: 'ignore' });

  beforeAll(async () => {
    image = await exampleImage();
    root = await tmp('install');
    npmDir = join(root, 'npm');
    // pack.js builds both runtime packs through emu-build: cache hits once the kernels are built
    await execa(process.execPath, [join(workspaceRoot, 'tools/pack.js'), '--no-build', '--out', npmDir], { stderr: 'inherit' });
    tarballs = readdirSync(npmDir).filter((f) => f.endsWith('.tgz')).sort();

    // a PATH of symlinks to exactly the programs a user's npx needs
    const bin = join(root, 'bin');
    mkdirSync(bin);
    const nodeDir = dirname(process.execPath);
    for (const name of ['node', 'npm', 'npx']) symlinkSync(join(nodeDir, name), join(bin, name));
    symlinkSync('/bin/sh', join(bin, 'sh'));
    const home = join(root, 'home');
    mkdirSync(home);
    // the npm cache already holds the third-party packages (npm ci filled it); the registry is the fallback
    const npmCache = process.env['npm_config_cache'] ?? join(homedir(), '.npm');
    env = { PATH: bin, HOME: home, npm_config_cache: npmCache, npm_config_update_notifier: 'false' };

    project = join(root, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{ "name": "user-project", "private": true }\n');
    const install = await execa('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs.map((t) => join(npmDir, t))], { cwd: project, env, extendEnv: false, reject: false });
    if (install.exitCode !== 0) throw new Error(`npm install of the tarballs failed: ${install.stderr}`);
  }, 3_600_000);

  // about 200 MB: the runtime pack three times (tarball, installed, a corrupted copy) and node_modules
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('installs every tool and the runtime pack from the tarballs alone', () => {
    expect(tarballs).toEqual(expect.arrayContaining(['c2w-c2w-0.1.0.tgz', 'c2w-errors-0.1.0.tgz', 'c2w-runtime-pack-riscv64-0.1.0.tgz', 'c2w-runtime-pack-x86_64-0.1.0.tgz']));
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string }> };
    const ours = Object.entries(lock.packages).filter(([k]) => k.startsWith('node_modules/@c2w/'));
    // every @c2w package resolved to a local tarball, none fetched from a registry
    expect(ours.length).toBe(tarballs.length);
    for (const [, v] of ours) expect(v.resolved).toMatch(/^file:.*\.tgz$/);
    for (const tool of ['c2w', 'layer-flatten', 'fs-slim', 'iso-pack', 'emu-build', 'c2w-machine-node']) expect(existsSync(join(project, 'node_modules/.bin', tool))).toBe(true);
  });

  it('runs with a PATH that has no compiler and no make', async () => {
    const r = await sh('command -v clang-16 || command -v clang || command -v riscv64-linux-gnu-gcc || command -v gcc || command -v make || echo none');
    expect(r.stdout.trim()).toBe('none');
  });

  it('converts and runs the example image with npx c2w', async () => {
    const convert = await npx(['convert', `oci:${image}:latest`, 'out/example']);
    expect(convert.stderr).toContain('runtime pack: checking');
    expect(convert.stderr).toContain(join('node_modules', '@c2w', 'runtime-pack-riscv64'));
    expect(convert.exitCode).toBe(0);
    const run = await npx(['run', 'out/example']);
    expect(run.stdout).toBe('hello from the c2w example image\nriscv64');
    expect(run.exitCode).toBe(0);
    const exit = await npx(['run', 'out/example', '--', 'sh', '-c', 'echo hello from $(uname -m); exit 7']);
    expect(exit.stdout).toBe('hello from riscv64');
    expect(exit.exitCode).toBe(7);
  });

  it('converts and runs an amd64 image with the installed x86_64 pack', async () => {
    const convert = await npx(['convert', `oci:${await amd64ExampleImage()}:latest`, 'out/amd64']);
    expect(convert.stderr).toContain(join('node_modules', '@c2w', 'runtime-pack-x86_64'));
    expect(convert.exitCode).toBe(0);
    const run = await npx(['run', 'out/amd64', '--', 'sh', '-c', 'echo hello from $(uname -m); exit 5']);
    expect({ out: run.stdout, code: run.exitCode }).toEqual({ out: 'hello from x86_64', code: 5 });
  });

  it('serves the installed page: web/ and its two libraries ship with @c2w/c2w', async () => {
    // its own process group, so the interrupt reaches c2w under npx
    const child = spawn('npx', ['--no-install', 'c2w', 'serve', 'out/example'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout!.once('data', (d) => resolve(String(d).split('\n')[0]!));
        child.once('exit', (code) => reject(new Error(`c2w serve exited with ${code}`)));
      });
      for (const path of ['', 'page.js', 'worker.js', 'vendor/xterm.mjs', 'vendor/xterm.css', 'vendor/wasi-shim/index.js']) {
        expect([path, (await fetch(new URL(path, url))).status]).toEqual([path, 200]);
      }
    } finally {
      process.kill(-child.pid!, 'SIGINT');
    }
  });

  it('refuses a pack file that does not match pack.json, naming it, and writes nothing', async () => {
    const bad = join(project, 'bad-pack');
    cpSync(join(project, 'node_modules/@c2w/runtime-pack-riscv64'), bad, { recursive: true });
    const kernel = readFileSync(join(bad, 'Image'));
    kernel[kernel.length >> 1] ^= 0xff;
    writeFileSync(join(bad, 'Image'), kernel);
    const r = await npx(['convert', `oci:${image}:latest`, 'out/bad'], { C2W_PACK: bad });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toMatch(new RegExp(`^c2w convert: runtime pack file ${bad}/Image has sha256:[0-9a-f]{64}, expected sha256:[0-9a-f]{64} \\(pack\\.json\\)$`));
    expect(existsSync(join(project, 'out/bad'))).toBe(false);
  });

  it('without the pack package, says what to install (exit 3) instead of trying to compile one', async () => {
    const bare = join(root, 'bare');
    mkdirSync(bare);
    writeFileSync(join(bare, 'package.json'), '{ "name": "no-pack", "private": true }\n');
    const tools = tarballs.filter((t) => !t.startsWith('c2w-runtime-pack-')).map((t) => join(npmDir, t));
    expect((await execa('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tools], { cwd: bare, env, extendEnv: false, reject: false })).exitCode).toBe(0);
    const r = await execa('npx', ['--no-install', 'c2w', 'convert', `oci:${image}:latest`, 'out/app'], { cwd: bare, env, extendEnv: false, reject: false, stdin: 'ignore' });
    expect(r.exitCode).toBe(3);
    expect(r.stderr.trim().split('\n').pop()).toBe('c2w convert: no riscv64 runtime pack: install it (npm install @c2w/runtime-pack-riscv64), pass --runtime-pack DIR or set C2W_PACK');
    expect(existsSync(join(bare, 'out/app'))).toBe(false);
    // an amd64 image needs the x86_64 machine's pack, and says how to fall back to qemu-user
    const amd64 = await execa('npx', ['--no-install', 'c2w', 'convert', `oci:${await amd64ExampleImage()}:latest`, 'out/amd64'], { cwd: bare, env, extendEnv: false, reject: false, stdin: 'ignore' });
    expect({ code: amd64.exitCode, last: amd64.stderr.trim().split('\n').pop() }).toEqual({ code: 3, last: 'c2w convert: no x86_64 runtime pack: install it (npm install @c2w/runtime-pack-x86_64), pass --runtime-pack DIR or set C2W_PACK, or convert with --machine riscv64 to run the amd64 image through qemu-user' });
  });

  it('answers --version and --help as an oclif CLI does', async () => {
    const version = await npx(['--version']);
    expect(version.exitCode).toBe(0);
    expect(version.stdout).toMatch(/^@c2w\/c2w\/0\.1\.0 linux-[a-z0-9]+ node-v\d+\.\d+\.\d+$/);
    const help = await npx(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('USAGE\n  $ c2w [COMMAND]');
    for (const command of ['autocomplete', 'convert', 'emu-build', 'fs-slim', 'help', 'iso-pack', 'layer-flatten', 'run']) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    const convertHelp = await npx(['convert', '--help']);
    expect(convertHelp.exitCode).toBe(0);
    expect(convertHelp.stdout).toContain('$ c2w convert IMAGE OUTDIR');
    const helpConvert = await npx(['help', 'convert']);
    expect(helpConvert.exitCode).toBe(0);
    expect(helpConvert.stdout).toBe(convertHelp.stdout);
    const unknown = await npx(['nonsense']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('command nonsense not found');
  });

  it('prints a completion script for bash and zsh (oclif autocomplete)', async () => {
    const bash = await npx(['autocomplete', 'script', 'bash']);
    expect(bash.exitCode).toBe(0);
    expect(bash.stdout).toContain('C2W_AC_BASH_SETUP_PATH');
    const zsh = await npx(['autocomplete', 'script', 'zsh']);
    expect(zsh.exitCode).toBe(0);
    expect(zsh.stdout).toContain('C2W_AC_ZSH_SETUP_PATH');
  });

  it('ships the pack package files exactly as its pack.json lists them', () => {
    const dir = join(project, 'node_modules/@c2w/runtime-pack-riscv64');
    const packJson = readFileSync(join(dir, 'pack.json'));
    const pack = JSON.parse(packJson.toString('utf8')) as { files: Record<string, { digest: string; size: number }> };
    expect(Object.keys(pack.files).sort()).toEqual(['Image', 'fw_dynamic.bin', 'guest.tar', 'machine.wasm']);
    for (const [name, want] of Object.entries(pack.files)) {
      const bytes = readFileSync(join(dir, name));
      expect({ name, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length }).toEqual({ name, ...want });
    }
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { c2w: { pack: string } };
    expect(manifest.c2w.pack).toBe(`sha256:${createHash('sha256').update(packJson).digest('hex')}`);
    expect(readdirSync(dir).sort()).toEqual(['Image', 'README.md', 'fw_dynamic.bin', 'guest.tar', 'machine.wasm', 'pack.json', 'package.json']);
  });

  it('packs no tests, fixtures, sources maps or build leftovers, and a README in every tarball', async () => {
    const leftover = /(^|\/)(test|tests|__tests__|fixtures|src|node_modules)\/|\.test\.[jt]s$|\.tsbuildinfo$|jest-results\.json$|\.map$|\.tmp-|(^|\/)\.[^/]+$|tsconfig|jest\.config/;
    for (const t of tarballs) {
      const names = (await execa('tar', ['-tzf', join(npmDir, t)])).stdout.split('\n').map((n) => n.replace(/^package\//, ''));
      expect({ t, leftovers: names.filter((n) => leftover.test(n)) }).toEqual({ t, leftovers: [] });
      expect({ t, readme: names.includes('README.md'), manifest: names.includes('package.json') }).toEqual({ t, readme: true, manifest: true });
      // a package packed before its build would ship without code
      if (!t.startsWith('c2w-runtime-pack-')) expect({ t, code: names.includes('dist/index.js') && names.includes('dist/index.d.ts') }).toEqual({ t, code: true });
    }
  });

  it('writes the same tarballs from the same sources', async () => {
    const again = join(npmDir, '..', 'npm-again');
    await execa(process.execPath, [join(workspaceRoot, 'tools/pack.js'), '--no-build', '--no-runtime-pack', '--out', again]);
    const first = readFileSync(join(npmDir, 'SHA256SUMS'), 'utf8').split('\n').filter((l) => l && !l.includes('runtime-pack'));
    expect(readFileSync(join(again, 'SHA256SUMS'), 'utf8').trim().split('\n')).toEqual(first);
  });
});
