#ifndef KAFKA_INBOX_BUILD_INFO_H
#define KAFKA_INBOX_BUILD_INFO_H
/* The git commit this binary was built from ("unknown" outside scripts/package.sh and
   `make`, which write generated_commit.h before building). */
const char *kafka_inbox_commit(void);
#endif
