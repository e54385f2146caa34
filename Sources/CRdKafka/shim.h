#ifndef CRDKAFKA_SHIM_H
#define CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>

/* Macros Swift cannot import, as functions. */
static inline int64_t CRdKafka_offsetBeginning(void) { return RD_KAFKA_OFFSET_BEGINNING; }
static inline int64_t CRdKafka_offsetEnd(void) { return RD_KAFKA_OFFSET_END; }
static inline int64_t CRdKafka_offsetStored(void) { return RD_KAFKA_OFFSET_STORED; }
static inline int64_t CRdKafka_offsetInvalid(void) { return RD_KAFKA_OFFSET_INVALID; }
static inline int64_t CRdKafka_offsetTail(int64_t count) { return RD_KAFKA_OFFSET_TAIL(count); }
static inline int32_t CRdKafka_partitionUA(void) { return RD_KAFKA_PARTITION_UA; }
static inline int CRdKafka_msgFlagCopy(void) { return RD_KAFKA_MSG_F_COPY; }
static inline int CRdKafka_eventDR(void) { return RD_KAFKA_EVENT_DR; }
static inline int CRdKafka_eventError(void) { return RD_KAFKA_EVENT_ERROR; }
static inline int CRdKafka_eventLog(void) { return RD_KAFKA_EVENT_LOG; }
static inline int CRdKafka_eventCreateTopicsResult(void) { return RD_KAFKA_EVENT_CREATETOPICS_RESULT; }

/* One message to a topic handle (partitioner-chosen partition, payload copied): the
   per-message path without producev's lookup of the topic by name. Returns the error. */
static inline rd_kafka_resp_err_t CRdKafka_produceTopic(rd_kafka_topic_t *rkt,
        const void *key, size_t keyLen, const void *value, size_t valueLen, void *opaque) {
    if (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, (void *)value, valueLen,
                         key, keyLen, opaque) == -1)
        return rd_kafka_last_error();
    return RD_KAFKA_RESP_ERR_NO_ERROR;
}

/* rd_kafka_producev is variadic; give Swift a fixed-arity wrapper. */
static inline rd_kafka_resp_err_t CRdKafka_produce(rd_kafka_t *rk, const char *topic,
        const void *key, size_t keyLen, const void *value, size_t valueLen, void *opaque) {
    return rd_kafka_producev(rk,
        RD_KAFKA_V_TOPIC(topic),
        RD_KAFKA_V_PARTITION(RD_KAFKA_PARTITION_UA),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key, keyLen),
        RD_KAFKA_V_VALUE(value, valueLen),
        RD_KAFKA_V_OPAQUE(opaque),
        RD_KAFKA_V_END);
}
#endif
