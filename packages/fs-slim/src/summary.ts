import type { FsSlimReport } from '@c2w/artifacts';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) { v /= 1024; u++; }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${UNITS[u]}`;
}

/** The human summary the command prints on stderr (the report is the machine-readable one). */
export function summarize(report: FsSlimReport): string[] {
  const { input, output, dedupe } = report;
  const pct = input.bytes ? ((100 * (input.bytes - output.bytes)) / input.bytes).toFixed(1) : '0.0';
  const lines = [
    `profile ${report.profile}${report.dryRun ? ' (dry run)' : ''}: ${formatBytes(input.bytes)} -> ${formatBytes(output.bytes)} (-${pct}%), ${input.files - output.files} of ${input.files} files removed`,
  ];
  for (const r of report.removed) lines.push(`  ${r.id.padEnd(22)} ${String(r.files).padStart(7)} files ${formatBytes(r.bytes).padStart(10)}`);
  if (dedupe.enabled) lines.push(`  ${'hardlinks (dedupe)'.padEnd(22)} ${String(dedupe.hardlinks).padStart(7)} files ${formatBytes(dedupe.bytesSaved).padStart(10)}`);
  for (const p of report.protected) lines.push(`  kept by ${p.id}: ${p.files} files a rule matched (${formatBytes(p.bytes)})`);
  if (report.danglingSymlinksCreated.length) lines.push(`  warning: ${report.danglingSymlinksCreated.length} symlinks now dangle`);
  return lines;
}
