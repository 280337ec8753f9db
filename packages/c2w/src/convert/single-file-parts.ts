import { CONTAINER_INIT, containerInit, emulatorEnv, runtimeConfig } from '@c2w/emu-build';
import type { LoadedBundle } from '../run/read-bundle.js';

/** The mount vfs-embed serves the parts from; the machine looks for its boot files there (single_file.c). */
export const EMBED_MOUNT = '/embed';

/**
 * The small files the machine reads to compose the run request itself (docs/decisions/0024):
 * image defaults as NUL-terminated lists or plain text, and runc's config.json with markers where
 * the request goes, so the machine writes JSON values but never parses JSON. Keys are embedded
 * names; the order is the embedding order (deterministic).
 */
export function singleFileParts(b: LoadedBundle): Array<[name: string, text: string]> {
  const c = b.imageConfig.config ?? {};
  const nul = (list: string[] | undefined | null) => (list ?? []).map((s) => `${s}\0`).join('');
  const { firmware, kernel } = b.bundle.boot;
  const machine = {
    // riscv64 (the default) keeps the config it always had; x86_64 has no firmware
    ...(b.bundle.machine.arch !== 'riscv64' ? { arch: b.bundle.machine.arch } : {}),
    memory: b.bundle.machine.memory,
    ...(firmware !== undefined ? { bios: `${EMBED_MOUNT}/${firmware}` } : {}),
    kernel: `${EMBED_MOUNT}/${kernel}`,
    append: b.bundle.boot.append,
    drives: b.bundle.disks.map((d) => ({ path: `${EMBED_MOUNT}/${d.file}`, readonly: true })),
    quiet_firmware: true,
    console_gate: b.bundle.boot.consoleGate,
  };
  return [
    ['arch', `${b.bundle.image.architecture}\n`],
    ['machine.json', `${JSON.stringify(machine)}\n`],
    ['config.json', configTemplate(b)],
    // the container's PID 1 program, put before the command (ADR 0065); none for a native image
    ['init', nul(initOf(b) ? [CONTAINER_INIT] : [])],
    // --init for a native image: the same program, and its mount for the template's `,"@c2w:init@"`
    ...forcedInitParts(b),
    ['entrypoint', nul(c.Entrypoint)],
    ['cmd', nul(c.Cmd)],
    // the emulator's defaults first: the machine merges the image's Env and the run's over them by key
    ['env', nul([...emulatorEnv(b.bundle.machine.arch, b.bundle.image.architecture), ...(c.Env ?? [])])],
    ['workdir', c.WorkingDir ?? ''],
    ['user', c.User ?? ''],
    ['passwd', Object.entries(b.bundle.image.users).map(([n, u]) => `${n}:${u.uid}:${u.gid}\n`).join('')],
    ['group', Object.entries(b.bundle.image.groups).map(([n, g]) => `${n}:${g}\n`).join('')],
  ];
}

/**
 * runc's config.json as the bundle form's host writes it, with the run request's parts as
 * markers: `"@c2w:args@"`, `"@c2w:env@"`, `"@c2w:cwd@"`, `"@c2w:user@"`, after the last
 * mount `,"@c2w:mounts@"` (host directories) and, for an image that runs without our init but
 * could have it (`--init`), `,"@c2w:init@"` where runtimeConfig puts the init's mount. Compact, so
 * each marker has exactly one spelling.
 */
export function configTemplate(b: Pick<LoadedBundle, 'imageConfig' | 'bundle'>): string {
  // a placeholder command: the image may have none, and the machine decides the real one
  const config = runtimeConfig(b.imageConfig, { entrypoint: ['-'], args: [], user: '0:0', init: initOf(b) }) as unknown as {
    process: Record<string, unknown>;
    mounts: unknown[];
  };
  config.process['args'] = '@c2w:args@';
  config.process['env'] = '@c2w:env@';
  config.process['cwd'] = '@c2w:cwd@';
  config.process['user'] = '@c2w:user@';
  config.mounts.push('@c2w:mounts@');
  const forced = forcedInit(b);
  if (forced) config.mounts.splice(forced.at, 0, '@c2w:init@');
  return `${JSON.stringify(config)}\n`;
}

const initOf = (b: Pick<LoadedBundle, 'bundle'>) => containerInit(b.bundle.machine.arch, b.bundle.image.architecture, b.bundle.boot.containerInit);

/**
 * What `--init` adds for an image that runs without our init (a native one), when the pack has
 * the program: its mount, as runtimeConfig writes it with `init`, and that mount's index.
 */
function forcedInit(b: Pick<LoadedBundle, 'imageConfig' | 'bundle'>): { at: number; mount: unknown } | undefined {
  const program = b.bundle.boot.containerInit;
  if (initOf(b) || program === undefined) return undefined;
  const { mounts } = runtimeConfig(b.imageConfig, { entrypoint: ['-'], args: [], user: '0:0', init: program }) as unknown as { mounts: Array<{ destination: string }> };
  const at = mounts.findIndex((m) => m.destination === CONTAINER_INIT);
  return { at, mount: mounts[at] };
}

/** The parts single_file.c reads for `--init`: the program's path and the mount for the template's marker. */
function forcedInitParts(b: Pick<LoadedBundle, 'imageConfig' | 'bundle'>): Array<[name: string, text: string]> {
  const forced = forcedInit(b);
  return forced ? [['init-forced', `${CONTAINER_INIT}\0`], ['init-mount', `,${JSON.stringify(forced.mount)}`]] : [];
}
