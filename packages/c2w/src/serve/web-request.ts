import { RunManifest } from '@c2w/artifacts';
import { CONTAINER_INIT, containerInit } from '@c2w/emu-build/runtime-config';
import type { LoadedBundle } from '../run/read-bundle.js';
import { runRequest } from '../run/run-request.js';
import { HOST_FILES } from './web-run-plan.js';

/**
 * What a static page (c2w convert --format web) needs to write the run channel itself: the
 * manifest of the image's own command, as writeRunChannel reads it (zod-parsed, so config.json's
 * keys come out in the same order), and the image's Entrypoint, Cmd and WorkingDir, from which
 * web/run-channel.js applies arg, env, entrypoint and workdir the way runtimeConfig does.
 */
export interface WebRequest {
  manifest: RunManifest;
  entrypoint: string[];
  cmd: string[];
  workingDir: string;
  /** The image has a command of its own (else the page needs `arg`). */
  hasCommand: boolean;
  /** What goes before the command in process.args: the container's PID 1 program, if it has one (ADR 0065). */
  init: string[];
  /**
   * The page's `init=1` (docker's --init) for an image that has no PID 1 program of ours: the
   * manifest with the program's mount, and what goes before the command. Absent when the bundle's
   * guest has no such program, or the image runs under it anyway.
   */
  withInit?: { manifest: RunManifest; init: string[] };
}

export function webRequest(b: LoadedBundle): WebRequest {
  const c = b.imageConfig.config ?? {};
  const hasCommand = (c.Entrypoint?.length ?? 0) + (c.Cmd?.length ?? 0) > 0;
  // without a command of its own, any placeholder: the page replaces args before it writes
  const manifestFor = (init: boolean): RunManifest => {
    const { manifest } = runRequest(b, { stdin: 'tty', init, ...(hasCommand ? {} : { args: ['true'] }) }, [HOST_FILES], 0);
    const { time: _time, ...rest } = RunManifest.parse(manifest);
    return rest;
  };
  const init = containerInit(b.bundle.machine.arch, b.bundle.image.architecture, b.bundle.boot.containerInit) ? [CONTAINER_INIT] : [];
  const withInit = init.length === 0 && b.bundle.boot.containerInit !== undefined ? { manifest: manifestFor(true), init: [CONTAINER_INIT] } : undefined;
  return { manifest: manifestFor(false), entrypoint: c.Entrypoint ?? [], cmd: c.Cmd ?? [], workingDir: c.WorkingDir ?? '', hasCommand, init, ...(withInit ? { withInit } : {}) };
}
