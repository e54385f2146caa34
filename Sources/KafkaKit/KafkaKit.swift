// KafkaKit: Swift wrapper of librdkafka.
