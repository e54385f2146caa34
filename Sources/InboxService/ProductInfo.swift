/// What this build of kafka-inbox calls itself (receipts' `client`, snapshots' writer, `--version`).
public enum ProductInfo {
    /// The release version.
    public static let version = "0.1.0"
}
