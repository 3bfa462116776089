/// Comparisons whose duration does not depend on where the inputs differ, so a client cannot
/// guess a secret byte by byte from response times.
enum ConstantTime {
    /// True when `a` and `b` hold the same bytes. The length is not secret (callers compare
    /// fixed-size digests); the content is.
    static func equal<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
