/// A SHA-1 git object id: commits, trees, blobs and tags.
///
/// Ordered by its bytes, which is also the order of the lowercase hex form.
public struct ObjectID: Sendable, Hashable, Comparable, CustomStringConvertible,
    LosslessStringConvertible
{
    /// The 20 raw bytes, big-endian, in three words so hashing and comparing stay cheap.
    let high: UInt64
    let middle: UInt64
    let low: UInt32

    /// Creates an id from exactly 20 raw bytes.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 20 else { return nil }
        var high: UInt64 = 0
        var middle: UInt64 = 0
        var low: UInt32 = 0
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 0..<8: high = high << 8 | UInt64(byte)
            case 8..<16: middle = middle << 8 | UInt64(byte)
            default: low = low << 8 | UInt32(byte)
            }
        }
        self.high = high
        self.middle = middle
        self.low = low
    }

    /// Parses the full 40-character hex form (either case); `nil` for anything else.
    public init?(_ hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 40 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        for index in stride(from: 0, to: 40, by: 2) {
            guard let upper = Self.nibble(digits[index]), let lower = Self.nibble(digits[index + 1])
            else { return nil }
            bytes.append(upper << 4 | lower)
        }
        self.init(bytes: bytes)
    }

    /// The 20 raw bytes.
    public var bytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: high >> UInt64(shift)))
        }
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: middle >> UInt64(shift)))
        }
        for shift in stride(from: 24, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: low >> UInt32(shift)))
        }
        return bytes
    }

    /// The 40-character lowercase hex form.
    public var description: String {
        let alphabet = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(40)
        for byte in bytes {
            hex.append(alphabet[Int(byte >> 4)])
            hex.append(alphabet[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The first 7 hex characters, as `git log --oneline` shows them.
    public var short: String { String(description.prefix(7)) }

    /// The all-zero id git uses for "no object", e.g. the old side of a created ref.
    public static let zero = ObjectID(bytes: [UInt8](repeating: 0, count: 20))!

    /// Whether this is ``zero``.
    public var isZero: Bool { self == .zero }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        (lhs.high, lhs.middle, lhs.low) < (rhs.high, rhs.middle, rhs.low)
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
