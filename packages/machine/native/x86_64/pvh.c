/* PVH direct boot (the Xen PVH boot ABI, docs/xen/.../pvh.rst; Linux arch/x86/platform/pvh):
 * loads the PT_LOAD segments of an ELF (32 or 64-bit) at their physical addresses, finds the
 * entry in the XEN_ELFNOTE_PHYS32_ENTRY note, as QEMU's -kernel does, and writes the
 * hvm_start_info (version 1, with the e820 memory map) the entry gets in EBX. An initramfs is its
 * one module (hvm_modlist_entry), placed as QEMU's x86_load_linux does: page aligned, at the top of RAM. */
#include <errno.h>
#include <stdlib.h>
#include "board.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define HVM_START_MAGIC 0x336ec578u
#define START_INFO_PA 0x7000ULL /* hvm_start_info, then the memory map, then the command line */
#define MEMMAP_PA (START_INFO_PA + 0x40)
#define MODLIST_PA (START_INFO_PA + 0xc0) /* after the one 24-byte memory map entry */
#define CMDLINE_PA (START_INFO_PA + 0x100)
#define E820_RAM 1

static uint64_t rd(const uint8_t *p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

static void wr(uint8_t *p, int n, uint64_t v) {
  for (int i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* the PHYS32 entry among the notes of one PT_NOTE segment, or 0 */
static uint64_t find_entry(const uint8_t *n, uint64_t len) {
  uint64_t off = 0;
  while (off + 12 <= len) {
    uint64_t namesz = rd(n + off, 4), descsz = rd(n + off + 4, 4), type = rd(n + off + 8, 4);
    uint64_t name = off + 12, desc = name + ((namesz + 3) & ~3ULL);
    if (desc + descsz > len) break;
    if (type == XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4 && !memcmp(n + name, "Xen", 4) && descsz >= 4)
      return rd(n + desc, descsz >= 8 ? 8 : 4) & 0xffffffffULL;
    off = desc + ((descsz + 3) & ~3ULL);
  }
  return 0;
}

/* the initramfs at the top of RAM, above the kernel's end `kend`: its address, or 0 with err set */
static uint64_t load_initrd(X86Board *b, const char *path, uint64_t kend, uint64_t *size, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) { snprintf(err, errlen, "cannot open initrd '%s': %s", path, strerror(errno)); return 0; }
  long n = fseek(f, 0, SEEK_END) ? -1 : ftell(f);
  uint64_t pa = n > 0 && (uint64_t)n < b->ram_size ? ((b->ram_size - 1 - (uint64_t)n) & ~0xfffULL) : 0;
  if (n <= 0 || pa < kend) {
    snprintf(err, errlen, "initrd %s (%ld bytes) does not fit in %llu MiB of RAM above the kernel", path, n,
             (unsigned long long)(b->ram_size >> 20));
    fclose(f);
    return 0;
  }
  if (fseek(f, 0, SEEK_SET) || fread(b->ram + pa, 1, (size_t)n, f) != (size_t)n) {
    snprintf(err, errlen, "cannot read initrd %s", path);
    fclose(f);
    return 0;
  }
  fclose(f);
  *size = (uint64_t)n;
  return pa;
}

int x86_pvh_load(X86Board *b, const char *path, const char *cmdline, const char *initrd, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) { snprintf(err, errlen, "cannot open kernel '%s': %s", path, strerror(errno)); return 1; }
  uint8_t eh[64], ph[56];
  static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
  int cls = 0;
  if (fread(eh, 1, 52, f) == 52 && !memcmp(eh, magic, 4) && eh[5] == 1) cls = eh[4];
  if (cls == 2 && fread(eh + 52, 1, 12, f) != 12) cls = 0;
  uint64_t machine = rd(eh + 18, 2);
  if ((cls != 1 && cls != 2) || (machine != 62 && machine != 3)) {
    snprintf(err, errlen, "%s is not a little-endian x86 ELF file", path);
    fclose(f);
    return 1;
  }
  bool e64 = cls == 2;
  uint64_t phoff = e64 ? rd(eh + 32, 8) : rd(eh + 28, 4), phnum = rd(eh + (e64 ? 56 : 44), 2);
  uint64_t phentsize = rd(eh + (e64 ? 54 : 42), 2), entry = 0, kend = START_INFO_PA + 0x100 + 4096;
  for (uint64_t i = 0; i < phnum; i++) {
    if (fseek(f, (long)(phoff + i * phentsize), SEEK_SET) || fread(ph, 1, e64 ? 56 : 32, f) != (e64 ? 56u : 32u)) goto bad;
    uint64_t type = rd(ph, 4);
    uint64_t off = e64 ? rd(ph + 8, 8) : rd(ph + 4, 4), pa = e64 ? rd(ph + 24, 8) : rd(ph + 12, 4);
    uint64_t filesz = e64 ? rd(ph + 32, 8) : rd(ph + 16, 4), memsz = e64 ? rd(ph + 40, 8) : rd(ph + 20, 4);
    if (type == 1) { /* PT_LOAD */
      if (filesz > memsz || pa >= b->ram_size || memsz > b->ram_size - pa) {
        snprintf(err, errlen, "%s: segment at physical 0x%llx (%llu bytes) does not fit in %llu MiB of RAM", path,
                 (unsigned long long)pa, (unsigned long long)memsz, (unsigned long long)(b->ram_size >> 20));
        fclose(f);
        return 1;
      }
      if (fseek(f, (long)off, SEEK_SET) || fread(b->ram + pa, 1, filesz, f) != filesz) goto bad;
      memset(b->ram + pa + filesz, 0, memsz - filesz);
      if (pa + memsz > kend) kend = pa + memsz;
    } else if (type == 4 && !entry && filesz < (1 << 20)) { /* PT_NOTE */
      uint8_t *n = malloc(filesz ? filesz : 1);
      if (!n) goto bad;
      if (fseek(f, (long)off, SEEK_SET) || fread(n, 1, filesz, f) != filesz) { free(n); goto bad; }
      entry = find_entry(n, filesz);
      free(n);
    }
  }
  fclose(f);
  if (!entry) {
    snprintf(err, errlen, "%s has no PVH entry (ELF note Xen/XEN_ELFNOTE_PHYS32_ENTRY): only PVH kernels boot here", path);
    return 1;
  }
  /* struct hvm_start_info (xen/include/public/arch-x86/hvm/start_info.h) and one e820 entry */
  uint8_t *si = b->ram + START_INFO_PA;
  memset(si, 0, 0x100 + 4096);
  wr(si + 0, 4, HVM_START_MAGIC);
  wr(si + 4, 4, 1);                       /* version: has the memory map */
  size_t cl = cmdline ? strlen(cmdline) : 0;
  if (cl >= 4096) { snprintf(err, errlen, "kernel command line longer than 4095 bytes"); return 1; }
  if (cmdline) { memcpy(b->ram + CMDLINE_PA, cmdline, cl + 1); wr(si + 24, 8, CMDLINE_PA); }
  wr(si + 40, 8, MEMMAP_PA);              /* memmap_paddr */
  wr(si + 48, 4, 1);                      /* memmap_entries */
  uint8_t *mm = b->ram + MEMMAP_PA;       /* struct hvm_memmap_table_entry: addr, size, type */
  wr(mm + 0, 8, 0);
  wr(mm + 8, 8, b->ram_size);
  wr(mm + 16, 4, E820_RAM);
  if (initrd) {
    uint64_t size = 0, pa = load_initrd(b, initrd, kend, &size, err, errlen);
    if (!pa) return 1;
    uint8_t *ml = b->ram + MODLIST_PA;    /* struct hvm_modlist_entry: paddr, size, cmdline_paddr, reserved */
    wr(ml + 0, 8, pa);
    wr(ml + 8, 8, size);
    wr(si + 12, 4, 1);                    /* nr_modules */
    wr(si + 16, 8, MODLIST_PA);           /* modlist_paddr */
  }
  X86Cpu *c = b->cpu;
  x86_system_reset(c);
  memset(c->r, 0, sizeof c->r);
  c->r[R_RBX] = START_INFO_PA;
  c->rflags = FLAG_FIXED1;
  c->rip = entry;
  return 0;
bad:
  snprintf(err, errlen, "%s: truncated ELF file", path);
  fclose(f);
  return 1;
}
