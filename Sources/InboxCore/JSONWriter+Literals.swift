/// Members of `JSONWriter` whose names need no escaping (literals of this module, such as
/// the keys of `NotificationJSON`): the name's bytes are copied as they are, not scanned.
extension JSONWriter {
    /// Writes `"name":` and a value of at most `max` bytes written by `value`, for a name that
    /// needs no escaping (a literal of this module, such as the keys of `NotificationJSON`):
    /// its bytes are copied as they are.
    @inline(__always)
    mutating func member(literal name: StaticString, max: Int, _ value: (UnsafeMutablePointer<UInt8>) -> Int) {
        let comma = needsComma
        write(max: name.utf8CodeUnitCount + 4 + max) { p in
            var n = 0
            if comma { p[0] = 0x2C; n = 1 }
            p[n] = 0x22
            Self.copy(name.utf8Start, name.utf8CodeUnitCount, to: p + n + 1)
            n += 1 + name.utf8CodeUnitCount
            p[n] = 0x22
            p[n + 1] = 0x3A
            return n + 2 + value(p + n + 2)
        }
        needsComma = true
    }

    /// `key` for a name that needs no escaping (see `member(literal:)`).
    @inline(__always)
    mutating func key(literal name: StaticString) {
        member(literal: name, max: 0) { _ in 0 }
        needsComma = false
    }

    /// `fieldOrNull(_:utf8:)` for a name that needs no escaping.
    @inline(__always)
    mutating func fieldOrNull(literal name: StaticString, utf8 value: UnsafeBufferPointer<UInt8>?) {
        if let value {
            member(literal: name, max: Self.quotedMax(value.count)) { Self.quote(value, to: $0) }
        } else {
            member(literal: name, max: 4) { Self.writeLiteral("null", to: $0) }
        }
    }

    /// `fieldOrNull(_:_:)` for a name that needs no escaping.
    @inline(__always)
    mutating func fieldOrNull(literal name: StaticString, _ value: String?) {
        guard let value else { return fieldOrNull(literal: name, utf8: nil) }
        value.withUTF8Bytes { fieldOrNull(literal: name, utf8: $0) }
    }

    /// `field(_:_:)` of an integer for a name that needs no escaping.
    @inline(__always)
    mutating func field<T: BinaryInteger>(literal name: StaticString, _ value: T) {
        member(literal: name, max: 20) { Self.writeInteger(Int64(clamping: value), to: $0) }
    }

    /// `field(_:_:)` of a Boolean for a name that needs no escaping.
    @inline(__always)
    mutating func field(literal name: StaticString, _ value: Bool) {
        member(literal: name, max: 5) { Self.writeLiteral(value ? "true" : "false", to: $0) }
    }
}
