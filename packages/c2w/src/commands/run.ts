import { Args, BaseCommand, Flags, positionals, traceStartup } from '@c2w/cli-kit';
import { UsageError } from '@c2w/errors';
import { hostTerminalSize, rawHostTerminal } from '../run/host-terminal.js';

/** The command line for the container: every positional token after the bundle, in order. */
export function containerArgs(raw: readonly { type: string; input: string }[]): string[] {
  return positionals(raw).slice(1);
}

export default class Run extends BaseCommand {
  static override toolName = 'c2w run';
  static override summary = 'Run a converted bundle (or out.wasm) on Node\'s WASI; the container\'s exit status becomes ours.';
  static override description = 'Arguments after -- replace the image\'s Cmd. stdin, stdout and stderr are the container\'s; stdin reaches the container as a pipe that ends where the input ends: a pipe or a file, or a terminal, which sends each line on Enter and ends the input at Ctrl-D. stdin is always attached (as docker run -i); -t gives the container a terminal (a pty that follows this terminal\'s size) and needs one on stdin.';
  static override strict = false;
  static override examples = ['<%= config.bin %> run ./hello-bundle -- echo hello', '<%= config.bin %> run -e NAME=world --entrypoint /bin/sh ./b -- -c \'echo $NAME\'', '<%= config.bin %> run --mount "$PWD:/work" -w /work ./b -- ls', '<%= config.bin %> run -p 8080:80 ./httpd-bundle', '<%= config.bin %> run -it ./b -- sh'];

  static override args = {
    bundle: Args.string({ required: true, description: 'bundle directory or single .wasm written by c2w convert', ignoreStdin: true }),
  };

  static override flags = {
    tty: Flags.boolean({ char: 't', description: 'give the container a terminal (a pty): full-screen programs and line editing work and it follows resizes; needs a terminal on stdin', default: false }),
    interactive: Flags.boolean({ char: 'i', description: 'keep stdin attached (accepted for docker compatibility: c2w run always attaches stdin)', default: false }),
    env: Flags.string({ char: 'e', description: 'set an environment variable (repeatable)', multiple: true, multipleNonGreedy: true, helpValue: 'KEY=VALUE' }),
    entrypoint: Flags.string({ description: 'replace the image\'s Entrypoint' }),
    workdir: Flags.string({ char: 'w', description: 'working directory inside the container' }),
    user: Flags.string({ char: 'u', description: 'user[:group] or uid[:gid] inside the container' }),
    mount: Flags.string({ char: 'v', description: 'share a host directory with the container (repeatable; virtio-9p)', multiple: true, multipleNonGreedy: true, helpValue: 'HOST_DIR:GUEST_PATH[:ro]' }),
    memory: Flags.string({ description: 'guest RAM, e.g. 512M (default: the bundle\'s)' }),
    net: Flags.boolean({ description: 'give the container a network: the host\'s, through a user-mode network in this process (off by default)', default: false }),
    publish: Flags.string({ char: 'p', description: 'publish a container TCP port on the host\'s 127.0.0.1 (repeatable; implies --net)', multiple: true, multipleNonGreedy: true, helpValue: 'HOST_PORT:CONTAINER_PORT[/tcp]' }),
    dns: Flags.string({ description: 'DNS server the network\'s resolver asks instead of the host\'s resolver (repeatable; implies --net)', multiple: true, multipleNonGreedy: true, helpValue: 'IP[:PORT]' }),
    'guest-debug': Flags.boolean({ description: 'show kernel and init messages', default: false }),
    init: Flags.boolean({ description: 'run an init as the container\'s PID 1 that passes signals on and reaps processes, as docker run --init (images of another architecture always have it)', default: false }),
    stats: Flags.boolean({ description: 'print guest instructions and MIPS at exit', default: false }),
    'disk-size': Flags.string({ description: 'size of the sparse disk holding the container\'s writes (default 16G; host disk is used only as written)', helpValue: 'SIZE' }),
    name: Flags.string({ description: 'keep the container\'s writes between runs under this name (in ~/.local/state/c2w/containers)', helpValue: 'NAME' }),
    state: Flags.string({ description: 'keep the container\'s writes between runs in this directory', helpValue: 'DIR' }),
  };

  async run(): Promise<void> {
    const { args, flags, raw } = await this.parse(Run);
    traceStartup('c2w run: flags parsed');
    const rest = containerArgs(raw);
    // stdin is always attached, so -t is docker's -it, and fails as it does without a terminal
    if (flags.tty && !process.stdin.isTTY) throw new UsageError('-t/--tty: the input device is not a TTY (run it from a terminal, or drop -t to pipe input to the container)');
    // loaded here, not at the top: oclif imports this module for `c2w run --help` too
    const { runBundle } = await import('../run/run-bundle.js');
    const restore = flags.tty ? rawHostTerminal() : undefined;
    try {
      process.exitCode = await runBundle({
        bundleDir: args.bundle,
        entrypoint: flags.entrypoint,
        args: rest,
        env: flags.env ?? [],
        workdir: flags.workdir,
        user: flags.user,
        mounts: flags.mount ?? [],
        memory: flags.memory,
        net: flags.net || (flags.publish?.length ?? 0) > 0 || (flags.dns?.length ?? 0) > 0,
        publish: flags.publish ?? [],
        dns: flags.dns ?? [],
        debug: flags['guest-debug'],
        stats: flags.stats,
        init: flags.init,
        diskSize: flags['disk-size'],
        name: flags.name,
        state: flags.state,
        // without -t the container's stdin is a pipe with an end, from a terminal too (Docker's -i):
        // the terminal edits a line and sends it on Enter, Ctrl-D ends the input (ADR 0054)
        stdin: flags.tty ? 'tty' : 'pipe',
        ...(flags.tty ? { tty: hostTerminalSize() } : {}),
        onPhase: traceStartup,
      });
    } finally {
      restore?.();
    }
  }
}
