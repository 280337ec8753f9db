import { writeSync } from 'node:fs';

/** A phase name per call: where a process is on its way to its real work. */
export type StartupTrace = (phase: string) => void;

const noTrace: StartupTrace = () => undefined;

/**
 * `C2W_TRACE_STARTUP=1`: one stderr line per phase with wall and CPU milliseconds since the
 * process started (performance.now() counts from Node's own start, cpuUsage covers every thread),
 * to find what a command pays before its work begins (docs/decisions/0051). Off: a no-op, so the
 * marks cost nothing in a normal run. Written synchronously: an async write would land after the
 * container's own output, in the wrong order.
 */
export function startupTrace(env: NodeJS.ProcessEnv = process.env, fd = 2): StartupTrace {
  if (env['C2W_TRACE_STARTUP'] !== '1') return noTrace;
  let last = 0;
  return (phase) => {
    const wall = performance.now();
    const { user, system } = process.cpuUsage();
    writeSync(fd, `c2w-trace: ${wall.toFixed(1).padStart(7)} ms wall (+${(wall - last).toFixed(1)}), ${((user + system) / 1000).toFixed(0).padStart(5)} ms cpu  ${phase}\n`);
    last = wall;
  };
}

/** The process's trace, made once (every module that marks a phase shares it). */
export const traceStartup: StartupTrace = startupTrace();
