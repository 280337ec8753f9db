// Linux's boot messages on our x86_64 board against qemu-system-x86_64 -M microvm on the same
// kernel and command line: the known differences (packages/machine/test/fixtures/x86_64-linux/README.md)
// and the comparison both ways, with counts, that the machine's and emu-build's boot tests share.

/** A line matching `re` is compared as `as`; `qemuOnly` / `oursOnly` lines are dropped from that side only; `board` lines from both. */
export interface BootLogDifference { re: RegExp; as?: string; qemuOnly?: true; oursOnly?: true; board?: true }

export const X86_BOOT_DIFFERENCES: BootLogDifference[] = [
  // qboot reserves 0x9fc00-0xfffff (EBDA, its MP table, BIOS) in 4 e820 entries; we give 2 and put the
  // MP table at 0xf0000: the first RAM range and the pages around it differ
  { re: /^(BIOS-e820: |  node   0: \[mem 0x0000000000001000-|On node 0, zone DMA32: \d+ pages in unavailable ranges$)/, board: true },
  { re: /^found SMP MP-table at \[mem .*\]$/, as: 'found SMP MP-table at <board>' },
  { re: /^MPTABLE: (OEM|Product) ID: .*$/, as: 'MPTABLE: $1 ID: <board>' },
  { re: /^IOAPIC\[0\]: apic_id \d+, (.*)$/, as: 'IOAPIC[0]: apic_id <board>, $1' },
  // the 256 MiB total and the kernel's sizes match; the firmware-reserved bytes above do not
  { re: /^Memory: \d+K\/\d+K available \((.*), \d+K reserved, (.*)\)$/, as: 'Memory: <free> available ($1, <reserved>, $2)' },
  // the CPU: ours is "GenuineIntel" family 6 model 15 with a 1 GHz TSC from CPUID 0x15 (ADR 0022),
  // QEMU's TCG is an AMD qemu64 calibrated against the PIT
  { re: /^CPU: .*$/, as: 'CPU: <cpu>' },
  { re: /^(bugs|flags)\t\t: .*$/, as: '$1: <cpu>' },
  { re: /^tsc: Detected [\d.]+ MHz processor$/, as: 'tsc: Detected <cpu> MHz processor' },
  { re: /^tsc: Fast TSC calibration using PIT$/, qemuOnly: true },
  { re: /^clocksource: tsc-early: mask: 0xffffffffffffffff .*$/, as: 'clocksource: tsc-early: <cpu>' },
  { re: /^Calibrating delay loop \(skipped\), value calculated using timer frequency\.\. .*$/, as: 'Calibrating delay loop <cpu>' },
  { re: /^Last level ([id])TLB entries: .*$/, as: 'Last level $1TLB entries: <cpu>' },
  { re: /^Performance Events: .*$/, as: 'Performance Events: <cpu>' },
  { re: /^process: using AMD E400 aware idle routine$/, qemuOnly: true },
  { re: /^Using GB pages for direct mapping$/, oursOnly: true }, // qemu64 lacks pdpe1gb
  { re: /^TSC deadline timer available$/, oursOnly: true }, // QEMU's TCG lacks TSC-deadline
  // a known-frequency TSC: Linux switches from tsc-early to tsc without a calibration window
  { re: /^clocksource: (tsc: mask: .*|Switched to clocksource tsc)$/, oursOnly: true },
  // no 8259 PIC and no PIT on our board (ADR 0022): Linux takes the NULL PIC and the LAPIC timer
  { re: /^(Using NULL legacy PIC|Failed to register legacy timer interrupt)$/, oursOnly: true },
  { re: /^NR_IRQS: 4352, nr_irqs: 48, preallocated irqs: \d+$/, as: 'NR_IRQS: 4352, nr_irqs: 48, preallocated irqs: <pic>' },
  { re: /^\.\.TIMER: vector=0x30 .*$/, qemuOnly: true },
  // timing
  { re: /^sched_clock: Marking stable .*$/, as: 'sched_clock: Marking stable <time>' },
];

function comparable(lines: string[], side: 'ours' | 'qemu', differences: BootLogDifference[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const d = differences.find((x) => x.re.test(line));
    if (d?.board || (d?.qemuOnly && side === 'qemu') || (d?.oursOnly && side === 'ours')) continue;
    const key = d?.as !== undefined ? line.replace(d.re, d.as) : line;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
const surplus = (a: Map<string, number>, b: Map<string, number>): string[] =>
  [...a].filter(([l, n]) => n > (b.get(l) ?? 0)).map(([l, n]) => `${l}  (${n}x, other ${b.get(l) ?? 0}x)`);

/** Console lines (no \r, no [seconds] stamp, no empty lines) compared both ways with their counts: both lists empty when they match. */
export function compareBootLogs(ours: string[], qemu: string[], differences: BootLogDifference[] = X86_BOOT_DIFFERENCES): { missingFromOurs: string[]; extraInOurs: string[] } {
  const [mine, theirs] = [comparable(ours, 'ours', differences), comparable(qemu, 'qemu', differences)];
  return { missingFromOurs: surplus(theirs, mine), extraInOurs: surplus(mine, theirs) };
}
