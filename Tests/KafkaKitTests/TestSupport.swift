import KafkaKit

/// A client configuration for `cluster`: its bootstrap address, librdkafka's log quiet.
func testConfig(_ cluster: MockCluster) -> KafkaConfig {
    var c = KafkaConfig()
    c.set("bootstrap.servers", cluster.bootstrapServers)
    c.set("log_level", "3")
    return c
}
