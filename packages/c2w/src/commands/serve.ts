import { Args, BaseCommand, Flags } from '@c2w/cli-kit';

export default class Serve extends BaseCommand {
  static override toolName = 'c2w serve';
  static override summary = 'Serve a converted bundle to a browser tab: a page runs the machine in a Web Worker and reads the disk on demand.';
  static override description = 'Prints the page\'s URL on stdout and serves until interrupted (Ctrl-C: exit status 130). The URL takes the command as Docker would: repeated arg parameters replace the image\'s Cmd, env=KEY=VALUE parameters add to its Env. One line per bundle file request goes to stderr (bytes served so far per file).';
  static override examples = ['<%= config.bin %> serve ./hello-bundle', '<%= config.bin %> serve --port 8080 ./b   # then open http://127.0.0.1:8080/?arg=echo&arg=hello'];

  static override args = {
    bundle: Args.string({ required: true, description: 'bundle directory written by c2w convert', ignoreStdin: true }),
  };

  static override flags = {
    port: Flags.integer({ description: 'TCP port (default: a free one)', min: 0, max: 65535, default: 0 }),
    host: Flags.string({ description: 'address to listen on', default: '127.0.0.1' }),
    'cross-origin-isolated': Flags.boolean({ description: 'send COOP/COEP headers, so the page can take keys through a SharedArrayBuffer (?input=sab, or browsers without JSPI)', default: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Serve);
    // the server and the page's files load only for this command
    const { readBundle } = await import('../run/read-bundle.js');
    const { serveBundle } = await import('../serve/server.js');
    const bundle = await readBundle(args.bundle);
    const server = await serveBundle(bundle, { port: flags.port, host: flags.host, crossOriginIsolated: flags['cross-origin-isolated'], log: (line) => process.stderr.write(`c2w serve: ${line}\n`) });
    process.stdout.write(`${server.url}\n`);
    // serves until SIGINT or SIGTERM, which cli-kit turns into exit 130 or 143 like any interrupted command
    await new Promise<never>(() => undefined);
  }
}
