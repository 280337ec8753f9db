#!/usr/bin/env node
// fs-slim benchmark: the Debian bookworm python3 + numpy + sympy root file system (the same tar the
// fs-slim tests build and cache), slimmed at every profile. Reports size before/after, files
// removed, hardlinks, wall time and peak RSS (GNU time -v), next to a plain `bsdtar -cf - @in.tar`
// re-pack of the same stream as the I/O floor. Writes docs/bench/fs-slim.md. Needs root once, to
// build the image (mmdebstrap); reuses ~/.cache/c2w/fixtures/ afterwards.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchDoc } from './_doc.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = join(root, 'packages', 'fs-slim', 'test', 'fixtures');
const script = join(fixtures, 'make-python-image.sh');
const config = join(fixtures, 'python-image.config.json');
const bin = join(root, 'packages', 'fs-slim', 'bin', 'run.js');
const key = createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 16);
const image = join(homedir(), '.cache', 'c2w', 'fixtures', `python-image-${key}.tar`);

if (!existsSync(image)) {
  mkdirSync(dirname(image), { recursive: true });
  const r = spawnSync(script, [image], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const work = mkdtempSync(join(tmpdir(), 'c2w-bench-fs-slim-'));
const mib = (n) => (n / 1048576).toFixed(1);

const REPEAT = 3;

/** Runs a command REPEAT times under GNU time; the run with the median wall time is reported. */
function timed(command) {
  const runs = Array.from({ length: REPEAT }, () => timedOnce(command)).sort((a, b) => a.seconds - b.seconds);
  return runs[Math.floor(REPEAT / 2)];
}

/** Runs a shell command under GNU time; returns wall and CPU seconds and peak RSS in MiB. */
function timedOnce(command) {
  const r = spawnSync('/usr/bin/time', ['-v', 'sh', '-c', command], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} failed (${r.status}): ${r.stderr}`);
  const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const cpu = ['User', 'System'].reduce((sum, k) => sum + Number(new RegExp(`${k} time \\(seconds\\): ([\\d.]+)`).exec(r.stderr)?.[1] ?? NaN), 0);
  const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  return { seconds, cpu, rssMiB: rss ? Number(rss[1]) / 1024 : NaN };
}

try {
  const rows = [];
  const floorOut = join(work, 'floor.tar');
  const floor = timed(`bsdtar -cf ${floorOut} @${image}`);
  rows.push({ name: 'I/O floor: `bsdtar -cf - @in.tar`', before: statSync(image).size, after: statSync(floorOut).size, removed: 0, links: 0, ...floor });
  rmSync(floorOut);
  const jsFloor = timed(`node ${join(root, 'tools', 'bench', '_tar-repack.js')} ${image} ${floorOut}`);
  rows.push({ name: 'JS floor: readTar -> TarWriter, one pass', before: statSync(image).size, after: statSync(floorOut).size, removed: 0, links: 0, ...jsFloor });
  rmSync(floorOut);

  const runs = [
    ...['none', 'safe', 'standard', 'aggressive'].map((p) => ({ name: `fs-slim --profile ${p}`, args: `--profile ${p} ${image}`, p })),
    { name: 'fs-slim --profile standard, stdin (spooled)', args: `--profile standard - < ${image}`, p: 'standard-stdin' },
  ];
  for (const run of runs) {
    const out = join(work, `${run.p}.tar`);
    const report = join(work, `${run.p}.json`);
    const t = timed(`node ${bin} --keep-from ${config} --report ${report} ${run.args} ${out} 2>/dev/null`);
    const rep = JSON.parse(readFileSync(report, 'utf8'));
    rows.push({ name: run.name, before: statSync(image).size, after: statSync(out).size, removed: rep.input.files - rep.output.files, links: rep.dedupe.hardlinks, contentBefore: rep.input.bytes, contentAfter: rep.output.bytes, ...t });
    rmSync(out);
  }

  const table = [
    '| run | tar before (MiB) | tar after (MiB) | file bytes after (MiB) | files removed | hardlinks | wall (s) | cpu user+sys (s) | peak RSS (MiB) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${mib(r.before)} | ${mib(r.after)} | ${r.contentAfter === undefined ? '' : mib(r.contentAfter)} | ${r.removed} | ${r.links} | ${r.seconds.toFixed(2)} | ${r.cpu.toFixed(2)} | ${r.rssMiB.toFixed(0)} |`),
  ];
  const first = rows.find((r) => r.contentBefore !== undefined) ?? {};
  const md = `# fs-slim benchmark

Input: Debian bookworm minbase + python3, python3-numpy, python3-sympy (amd64), built by
\`packages/fs-slim/test/fixtures/make-python-image.sh\` (cache key ${key}); ${mib(statSync(image).size)} MiB tar,
${first.contentBefore !== undefined ? mib(first.contentBefore) : '?'} MiB of regular file content. Image config: \`python-image.config.json\` (Cmd \`python3 --version\`, LANG=C.UTF-8).
Host: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), shared with other jobs; Node ${process.version}.
Measured by \`node tools/bench/fs-slim.js\` (GNU time -v; the median of ${REPEAT} runs each; the host is shared, so treat wall-time differences under ~20% as noise).

${table.join('\n')}

- "tar after" is the output tar (hardlinks and removed files cost nothing but headers); "file bytes
  after" is what extraction writes, from the report.
- fs-slim reads its input twice (scan and hash, then write; see docs/decisions/0006-fs-slim-dedupe.md),
  so its floor is twice the JS floor (the workspace's tar codec, tar-stream, in one pass); stdin input
  is spooled to a temporary file first. bsdtar, in C, is the absolute floor.
- CPU time (user+sys) is well below wall time here: the 2 cores were shared with a kernel build
  (load average ~9 during the run), and each tar entry costs several event-loop and thread-pool hops.
- Profiles: \`none\` runs no rule and no dedupe (the round trip); the others include dedupe.
- Peak RSS stays flat: the index holds metadata and one sha256 per dedupe candidate, never a body.
`;
  mkdirSync(join(root, 'docs', 'bench'), { recursive: true });
  writeBenchDoc(join(root, 'docs', 'bench', 'fs-slim.md'), md);
  process.stdout.write(md);
} finally {
  rmSync(work, { recursive: true, force: true });
}
