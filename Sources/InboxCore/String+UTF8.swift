extension String {
    /// Calls `body` with the string's UTF-8 bytes in place (a copy only for a string that
    /// is not stored contiguously, e.g. one bridged from elsewhere).
    @inline(__always)
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = utf8.withContiguousStorageIfAvailable(body) { return r }
        var copy = self
        return copy.withUTF8(body)
    }
}
