#include "build_info.h"
#if __has_include("generated_commit.h")
#include "generated_commit.h"
#endif
#ifndef KAFKA_INBOX_COMMIT
#define KAFKA_INBOX_COMMIT "unknown"
#endif
const char *kafka_inbox_commit(void) { return KAFKA_INBOX_COMMIT; }
