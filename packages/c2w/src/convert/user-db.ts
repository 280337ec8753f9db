import { InputError } from '@c2w/errors';

export interface UserDb {
  users: Record<string, { uid: number; gid: number }>;
  groups: Record<string, number>;
}

/** Parses /etc/passwd and /etc/group text; malformed lines are skipped as libc does. */
export function parseUserDb(passwd: string, group: string): UserDb {
  const users: UserDb['users'] = {};
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || !f[0] || !/^\d+$/.test(f[2] ?? '') || !/^\d+$/.test(f[3] ?? '')) continue;
    users[f[0]] ??= { uid: Number(f[2]), gid: Number(f[3]) };
  }
  const groups: UserDb['groups'] = {};
  for (const line of group.split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || !f[0] || !/^\d+$/.test(f[2] ?? '')) continue;
    groups[f[0]] ??= Number(f[2]);
  }
  return { users, groups };
}

/**
 * `user`, `uid`, `user:group`, `uid:gid` (Docker's forms) to numeric `uid:gid`, with the user's
 * primary group when no group is given, as runc's libcontainer/user does.
 */
export function resolveUser(spec: string, db: UserDb): string {
  const { uid, gid } = resolveUserIds(spec, db);
  return `${uid}:${gid}`;
}

/** resolveUser's numbers: the uid and gid of `user[:group]` in the image. */
export function resolveUserIds(spec: string, db: UserDb): { uid: number; gid: number } {
  if (spec === '') return { uid: 0, gid: 0 };
  const [userPart = '', groupPart] = spec.split(':', 2);
  let uid: number;
  let gid: number | undefined;
  if (/^\d+$/.test(userPart)) {
    uid = Number(userPart);
    gid = Object.values(db.users).find((u) => u.uid === uid)?.gid;
  } else {
    const u = db.users[userPart];
    if (!u) throw new InputError(`user ${JSON.stringify(userPart)} is not in the image's /etc/passwd`);
    uid = u.uid;
    gid = u.gid;
  }
  if (groupPart !== undefined) {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const g = db.groups[groupPart];
      if (g === undefined) throw new InputError(`group ${JSON.stringify(groupPart)} is not in the image's /etc/group`);
      gid = g;
    }
  }
  return { uid, gid: gid ?? 0 };
}
