// KafkaKitTests
