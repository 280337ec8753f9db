/** Per-layer progress; the command shows it on stderr only when stderr is a terminal. */
export interface Progress {
  layerStart(index: number, count: number, digest: string, size: number): void;
  bytes(n: number): void;
  layerEnd(): void;
  writing(): void;
  done(): void;
}

export const silentProgress: Progress = { layerStart() {}, bytes() {}, layerEnd() {}, writing() {}, done() {} };

/** One self-overwriting line, redrawn at most every 100 ms: `layer 2 of 5 sha256:abcd1234 12.0/40.1 MiB`. */
export function terminalProgress(out: { write(s: string): unknown }, tool: string, now = () => Date.now()): Progress {
  let label = '';
  let total = 0;
  let seen = 0;
  let last = 0;
  const mib = (n: number) => (n / (1 << 20)).toFixed(1);
  const draw = (force: boolean) => {
    const t = now();
    if (!force && t - last < 100) return;
    last = t;
    out.write(`\r\x1b[K${tool}: ${label} ${mib(seen)}/${mib(total)} MiB`);
  };
  return {
    layerStart(index, count, digest, size) {
      label = `layer ${index} of ${count} ${digest.slice(7, 19)}`;
      total = size;
      seen = 0;
      draw(true);
    },
    bytes(n) {
      seen += n;
      draw(false);
    },
    layerEnd() {
      draw(true);
    },
    writing() {
      out.write(`\r\x1b[K${tool}: writing the flattened tree`);
    },
    done() {
      out.write('\r\x1b[K');
    },
  };
}
