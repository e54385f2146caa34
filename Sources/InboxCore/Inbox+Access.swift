/// Reading one notification of the inbox by storage index: its state, kind, topic, id,
/// searchable text and signature, or the whole notification unpacked.
extension Inbox {
    /// The state of the notification at a storage index.
    public func state(at index: Int) -> ReadState { stateAt[index] }

    /// The kind of the notification at a storage index.
    @inline(__always)
    public func kind(at index: Int) -> Kind { kindTable[Int(kindOrdinals[index])] }

    /// The source topic of the notification at a storage index.
    public func topic(at index: Int) -> String { topicNames[Int(keys[index].topic)] }

    /// Where the notification at a storage index was read from (nothing else is unpacked).
    public func source(at index: Int) -> SourcePosition {
        let key = keys[index]
        return SourcePosition(topic: topicNames[Int(key.topic)], partition: key.partition, offset: key.offset)
    }

    /// Every id not held that has a state other than unread (a receipt may precede its
    /// notification). Used by snapshots (`SnapshotCodec`).
    public var orphanStates: [String: ReadState] {
        var all: [String: ReadState] = [:]
        orphans.forEach { id, orphan in all[id] = orphan.state }
        return all
    }

    /// When the snooze of an id not held ends, for the orphans whose state is snoozed.
    public var orphanSnoozes: [String: Int64] {
        var all: [String: Int64] = [:]
        orphans.forEach { id, orphan in if orphan.state == .snoozed { all[id] = orphan.untilMs } }
        return all
    }

    /// Every id with a state other than unread, held or not (built on demand).
    public var explicitStates: [String: ReadState] {
        var all = orphanStates.filter { $0.value != .unread }
        for i in 0..<count where stateAt[i] != .unread {
            all[id(at: i)] = stateAt[i]
        }
        return all
    }

    /// The id of the notification at a storage index (only the id is unpacked).
    public func id(at index: Int) -> String {
        storage.withID(at: index) { String(decoding: $0, as: UTF8.self) }
    }

    /// The notification with this id, if held.
    public func notification(id: String) -> Notification? {
        index(ofID: id).map { notification(at: $0) }
    }

    /// Calls `body` with the UTF-8 bytes of the searchable text (title, actor, body) of the
    /// notification at a storage index, read in place.
    @inline(__always)
    public func withSearchText<R>(at index: Int,
                                  _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>?) -> R) -> R {
        storage.withSearchText(at: index, body)
    }

    /// The `SearchSignature` of the notification at a storage index: a row can contain a
    /// query only if `signature.covers(mask)` (`SearchSignature.mask(query:)`).
    @inline(__always)
    public func searchSignature(at index: Int) -> SearchSignature.Bits { signatures[index] }

    /// Calls `body` with the search signatures of every notification, by storage index.
    public func withSearchSignatures<R>(_ body: (UnsafeBufferPointer<SearchSignature.Bits>) -> R) -> R {
        signatures.withUnsafeBufferPointer(body)
    }

    /// The storage index of the notification with this id, if held.
    public func index(ofID id: String) -> Int? { find(id, hash: ids.hash(id)) }

    /// Reads a little of every part of the row at a storage index (its sort key, state,
    /// flags, kind and the cache lines of its text) and returns something made of them: a way to bring them into the cache before they are
    /// needed (`NotificationJSON.appendLines`).
    @inline(__always)
    func touch(_ index: Int) -> UInt64 {
        UInt64(bitPattern: keys[index].ms) &+ UInt64(flags[index]) &+ UInt64(stateAt[index] == .unread ? 1 : 0)
            &+ UInt64(kindOrdinals[index]) &+ storage.touch(at: index)
    }

    /// The notification at a storage index (as returned by `newestFirst()`).
    public func notification(at index: Int) -> Notification {
        let key = keys[index]
        return storage.notification(at: index, kind: kind(at: index), createdAtMs: key.ms,
                                    source: SourcePosition(topic: topicNames[Int(key.topic)], partition: key.partition,
                                                           offset: key.offset))
    }
}
