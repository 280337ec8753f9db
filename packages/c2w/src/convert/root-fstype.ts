/** The kernel command line with `rootfstype=` naming the bundle's root disk format. */
export const withRootFsType = (append: string, fstype: string): string =>
  /\brootfstype=\S+/.test(append) ? append.replace(/\brootfstype=\S+/, `rootfstype=${fstype}`) : `${append} rootfstype=${fstype}`;

