#ifndef KAFKA_INBOX_ALLOCATOR_H
#define KAFKA_INBOX_ALLOCATOR_H
#include <stddef.h>
/* glibc malloc's tuning, behind functions: M_MMAP_THRESHOLD and M_TRIM_THRESHOLD are macros,
   and <malloc.h> is not part of Swift's Glibc module. Each returns 1 when malloc took it. */
int kafka_inbox_malloc_set_mmap_threshold(int bytes);
int kafka_inbox_malloc_set_trim_threshold(int bytes);
/* Bytes malloc holds in chunks of their own mapping (mallinfo2's hblkhd). */
size_t kafka_inbox_malloc_mapped_bytes(void);
/* Gives the free pages inside every arena back to the system (malloc_trim(0)); 1 if any was. */
int kafka_inbox_malloc_trim(void);
#endif
