/* Split-virtqueue helpers shared by the virtio devices (virtio 1.1 section 2.6). */
#ifndef C2W_VIRTIO_H
#define C2W_VIRTIO_H
#include "machine.h"


/* Pop the next available chain of queue q; returns 1 if one was popped, 0 if none, -1 on error. */
int virtq_pop(Machine *m, VirtioDev *v, int q, VqChain *c);
void virtq_push(Machine *m, VirtioDev *v, int q, uint16_t head, uint32_t len);
bool virtq_has_avail(Machine *m, VirtioDev *v, int q);
/* copy from the device-readable part of a chain, starting at offset off */
uint64_t virtq_read(Machine *m, const VqChain *c, uint64_t off, void *dst, uint64_t len);
/* copy into the device-writable part of a chain, starting at offset off */
uint64_t virtq_write(Machine *m, const VqChain *c, uint64_t off, const void *src, uint64_t len);
#endif
