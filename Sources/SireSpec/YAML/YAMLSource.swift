import SireCore

/// The text of a YAML file indexed by line, so positions can be mapped back into it.
///
/// Lines and columns follow libyaml: columns count Unicode scalars, and `\n`, `\r\n`, `\r`,
/// U+0085, U+2028 and U+2029 all end a line. A leading byte-order mark is not counted.
/// Build one per file, only when a position inside a scalar is needed.
public struct YAMLSource: Sendable {
    let scalars: [Unicode.Scalar]
    /// Index in `scalars` of the first scalar of each line; `lineStarts[0] == 0`.
    let lineStarts: [Int]

    /// Indexes `text` by line.
    public init(_ text: String) {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var starts = [0]
        var index = 0
        while index < scalars.count {
            let width = Self.breakWidth(scalars, at: index)
            if width > 0 {
                index += width
                starts.append(index)
            } else {
                index += 1
            }
        }
        self.scalars = scalars
        self.lineStarts = starts
    }

    /// The number of lines (a final line break starts an empty last line).
    public var lineCount: Int { lineStarts.count }

    /// The text of a 1-based line, without its line break; nil past the end.
    public func lineText(_ line: Int) -> String? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        var string = String.UnicodeScalarView()
        var index = lineStarts[line - 1]
        while index < scalars.count, Self.breakWidth(scalars, at: index) == 0 {
            string.append(scalars[index])
            index += 1
        }
        return String(string)
    }

    /// The scalar index of a position, clamped to the text.
    func index(of position: SourcePosition) -> Int {
        let line = min(max(position.line, 1), lineStarts.count)
        return min(max(lineStarts[line - 1] + position.column - 1, 0), scalars.count)
    }

    /// The position of a scalar index.
    func position(ofIndex index: Int) -> SourcePosition {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= index { low = mid } else { high = mid - 1 }
        }
        return SourcePosition(line: low + 1, column: index - lineStarts[low] + 1)
    }

    /// How many scalars the line break at `index` spans: 0 when there is none.
    static func breakWidth(_ scalars: [Unicode.Scalar], at index: Int) -> Int {
        guard index < scalars.count else { return 0 }
        switch scalars[index] {
        case "\r":
            return index + 1 < scalars.count && scalars[index + 1] == "\n" ? 2 : 1
        case "\n", "\u{85}", "\u{2028}", "\u{2029}":
            return 1
        default:
            return 0
        }
    }

    func breakWidth(at index: Int) -> Int { Self.breakWidth(scalars, at: index) }
}
