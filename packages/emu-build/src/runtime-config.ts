import { NATIVE_IMAGE_ARCH, type ImageConfig, type MachineArch, type RuntimeConfig } from '@c2w/artifacts';
import { UsageError } from '@c2w/errors';

export interface RunOverrides {
  /** Replaces the image's Entrypoint (an empty array clears it). */
  entrypoint?: string[];
  /** Replaces the image's Cmd. */
  args?: string[];
  /** KEY=VALUE entries added to (or replacing in) the image's Env. */
  env?: string[];
  /** KEY=VALUE defaults under the image's Env: the image's Env and `env` replace them (emulatorEnv). */
  defaults?: string[];
  workdir?: string;
  /** `uid[:gid]`, numeric (names are resolved by the host against the image's /etc/passwd). */
  user?: string;
  hostname?: string;
  /** Host directories (virtio-9p shares mounted by the init at shareMountPoint(i)), in share order. */
  mounts?: { destination: string; readonly: boolean }[];
  /**
   * The guest's path of a program to be the container's PID 1, as docker's --init is: mounted at
   * CONTAINER_INIT, the command its arguments (containerInit says when; docs/decisions/0065).
   */
  init?: string | undefined;
}

/** Where the container sees its PID 1 program: on its own /dev tmpfs, so no layer and no commit holds it. */
export const CONTAINER_INIT = '/dev/.c2w-init';

/** Where the guest init mounts the i-th 9p share (c2w-init.sh, "host directories" block). */
export const shareMountPoint = (i: number): string => `/run/c2w/mnt/${i}`;

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The CPU model qemu-user presents to images of an architecture, where it is not its own `max`
 * (docs/decisions/0063). amd64: Westmere, x86-64-v2 with AES-NI but no AVX, as Rosetta 2 long
 * did. TCG runs AVX and AVX2 code through helpers, and libraries such as glibc's string functions
 * and OpenBLAS pick their AVX2 paths when the CPU has them: `python3 -c 'print(1+1)'` ran 11%
 * fewer guest instructions without them, a numpy determinant 23% fewer. An image built for
 * x86-64-v3 needs `-e QEMU_CPU=max`. arm64 keeps qemu's `max` (3% fewer without SVE).
 */
const QEMU_CPU_DEFAULT: Readonly<Record<string, string>> = { amd64: 'Westmere' };

/**
 * Environment defaults for a container that runs through qemu-user, that is an image of another
 * architecture than the machine's (only the riscv64 guest ships qemu-user): QEMU_CPU, which
 * qemu-user reads at every exec. It stays in the container's environment, so child processes get
 * the same CPU, and the image's Env or the run's -e replace it.
 */
export function emulatorEnv(machine: MachineArch, imageArch: string): string[] {
  if (imageArch === NATIVE_IMAGE_ARCH[machine]) return [];
  const cpu = QEMU_CPU_DEFAULT[imageArch];
  return cpu ? [`QEMU_CPU=${cpu}`] : [];
}

/**
 * The container's PID 1 program (the pack's boot.containerInit, a guest path) for an image that
 * runs through qemu-user, else none: as PID 1, qemu-user could not die of its program's fatal
 * signal (a namespace's init gets none it has no handler for) and hung (docs/decisions/0065).
 * Native images run their command as PID 1, as docker does without --init.
 */
export function containerInit(machine: MachineArch, imageArch: string, packInit: string | undefined): string | undefined {
  return imageArch === NATIVE_IMAGE_ARCH[machine] ? undefined : packInit;
}

/**
 * The OCI runtime's config.json for a container (crun and runc read the same): the image config with the overrides applied, as docker
 * does (entrypoint + cmd, env merged by key, user numeric), and the namespaces c2w uses: pid,
 * mount, uts, ipc (no network namespace: the container shares the guest's network, which exists with
 * c2w run --net).
 */
export function runtimeConfig(image: Pick<ImageConfig, 'config'>, o: RunOverrides = {}): RuntimeConfig {
  const c = image.config ?? {};
  const entrypoint = o.entrypoint ?? c.Entrypoint ?? [];
  const cmd = o.args ?? (o.entrypoint ? [] : c.Cmd ?? []);
  const command = [...entrypoint, ...cmd];
  if (!command.length) throw new UsageError('nothing to run: the image has no Entrypoint or Cmd and no command was given');
  const env = mergeEnv([...(o.defaults ?? []), ...(c.Env ?? [])], o.env ?? []);
  const { uid, gid } = parseUser(o.user ?? c.User ?? '');
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid, gid },
      args: o.init ? [CONTAINER_INIT, ...command] : command,
      env,
      cwd: o.workdir || c.WorkingDir || '/',
      capabilities: capabilities(),
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: false },
    hostname: o.hostname ?? 'c2w',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      ...(o.init ? [{ destination: CONTAINER_INIT, type: 'bind', source: o.init, options: ['bind', 'ro', 'nosuid', 'nodev'] }] : []),
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777'] },
      // after /tmp and the rest, so a host directory may be mounted over any of them
      ...(o.mounts ?? []).map((m, i) => ({
        destination: m.destination, type: 'bind', source: shareMountPoint(i), options: ['rbind', m.readonly ? 'ro' : 'rw'],
      })),
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: ['/proc/kcore', '/proc/keys', '/proc/timer_list', '/sys/firmware'],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

function mergeEnv(base: string[], extra: string[]): string[] {
  const out = new Map<string, string>();
  for (const e of [DEFAULT_PATH, ...base, ...extra]) {
    const eq = e.indexOf('=');
    if (eq <= 0) throw new UsageError(`environment entry ${JSON.stringify(e)} is not KEY=VALUE`);
    out.set(e.slice(0, eq), e);
  }
  return [...out.values()];
}

function parseUser(user: string): { uid: number; gid: number } {
  if (!user) return { uid: 0, gid: 0 };
  const m = /^(\d+)(?::(\d+))?$/.exec(user);
  if (!m) throw new UsageError(`user ${JSON.stringify(user)} must be numeric uid[:gid] here (resolve names against the image's /etc/passwd first)`);
  return { uid: Number(m[1]), gid: Number(m[2] ?? 0) };
}

function capabilities(): Record<string, string[]> {
  const caps = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
    'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE'];
  return { bounding: caps, effective: caps, permitted: caps };
}
