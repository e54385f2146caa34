#include <malloc.h>
#include "allocator.h"

int kafka_inbox_malloc_set_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }

int kafka_inbox_malloc_set_trim_threshold(int bytes) { return mallopt(M_TRIM_THRESHOLD, bytes); }

size_t kafka_inbox_malloc_mapped_bytes(void) { return mallinfo2().hblkhd; }

int kafka_inbox_malloc_trim(void) { return malloc_trim(0); }
