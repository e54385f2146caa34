print("kafka-inbox")
