// `-p HOST_PORT:CONTAINER_PORT[/tcp]` as `docker run -p` spells it (only TCP, only 127.0.0.1).

export interface Publish {
  hostPort: number;
  guestPort: number;
}

/** Parses one -p value; the error message says what is wrong (callers make it a usage error). */
export function parsePublish(spec: string): Publish {
  const m = /^(\d{1,5}):(\d{1,5})(?:\/(tcp|udp))?$/.exec(spec);
  if (!m) throw new Error(`-p '${spec}': expected HOST_PORT:CONTAINER_PORT[/tcp]`);
  if (m[3] === 'udp') throw new Error(`-p '${spec}': only TCP ports can be published`);
  const hostPort = Number(m[1]);
  const guestPort = Number(m[2]);
  if (hostPort < 1 || hostPort > 65535 || guestPort < 1 || guestPort > 65535) throw new Error(`-p '${spec}': ports are 1..65535`);
  return { hostPort, guestPort };
}
