/// How a scalar was written in the source; only plain scalars are resolved to non-strings.
public enum ScalarStyle: String, Sendable, Hashable {
    /// `value`
    case plain
    /// `'value'`
    case singleQuoted
    /// `"value"`
    case doubleQuoted
    /// `|` block scalar
    case literal
    /// `>` block scalar
    case folded
}
