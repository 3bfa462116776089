/// A path read by an expression, such as `steps.fetch.output.status`, found without evaluating.
///
/// The validator uses it to check that `steps.X` names a step that exists and is a dependency,
/// that `inputs.Y` is declared, and so on.
public struct ExpressionReference: Sendable, Hashable {
    /// The static segments, root first: `["steps", "fetch", "output", "items", "0"]`. Literal
    /// indexes (`[0]`, `['k']`) are included as text; the path stops at the first computed
    /// index (`[i]`).
    public var segments: [String]
    /// Where each segment is written (same count as `segments`). For the shorthand `.fetch`
    /// the `steps` root's range is the leading `.`.
    public var segmentRanges: [Range<Int>]
    /// The whole path expression, computed indexes included.
    public var range: Range<Int>
    /// False when a computed index cut the static path short.
    public var isComplete: Bool

    /// Creates a reference.
    public init(
        segments: [String], segmentRanges: [Range<Int>], range: Range<Int>, isComplete: Bool
    ) {
        self.segments = segments
        self.segmentRanges = segmentRanges
        self.range = range
        self.isComplete = isComplete
    }

    /// The root identifier, e.g. `steps`.
    public var root: String { segments[0] }
    /// Where the root identifier is written.
    public var rootRange: Range<Int> { segmentRanges[0] }
    /// The second segment, e.g. the step id in `steps.fetch.output`.
    public var second: String? { segments.count > 1 ? segments[1] : nil }
    /// Where the second segment is written.
    public var secondRange: Range<Int>? { segmentRanges.count > 1 ? segmentRanges[1] : nil }
}
