extension Expression {
    /// Every built-in function with the number of arguments it accepts.
    public static let functions: [String: ClosedRange<Int>] = [
        "len": 1...1,
        "contains": 2...2,
        "startsWith": 2...2,
        "endsWith": 2...2,
        "lower": 1...1,
        "upper": 1...1,
        "trim": 1...1,
        "split": 2...2,
        "join": 1...2,
        "keys": 1...1,
        "values": 1...1,
        "default": 2...2,
        "toJSON": 1...2,
        "fromJSON": 1...1,
        "int": 1...1,
        "float": 1...1,
        "string": 1...1,
        "shq": 1...1,
    ]

    /// The closest of `candidates` to a misspelt `name`, for "did you mean …?" messages.
    ///
    /// A case-insensitive match wins; otherwise the nearest name within an edit distance of 2
    /// (ties broken alphabetically), or `nil` when nothing is that close.
    public static func suggestion(for name: String, among candidates: some Sequence<String>)
        -> String?
    {
        let lowered = name.lowercased()
        var best: (distance: Int, name: String)?
        for candidate in candidates.sorted() {
            if candidate.lowercased() == lowered { return candidate }
            let distance = editDistance(
                Array(lowered.unicodeScalars), Array(candidate.lowercased().unicodeScalars))
            if distance <= 2, distance < (best?.distance ?? .max) { best = (distance, candidate) }
        }
        return best?.name
    }

    private static func editDistance(_ left: [Unicode.Scalar], _ right: [Unicode.Scalar]) -> Int {
        guard !left.isEmpty else { return right.count }
        guard !right.isEmpty else { return left.count }
        var previous = Array(0...right.count)
        var current = previous
        for (row, leftScalar) in left.enumerated() {
            current[0] = row + 1
            for (column, rightScalar) in right.enumerated() {
                let substitution = previous[column] + (leftScalar == rightScalar ? 0 : 1)
                current[column + 1] = min(
                    substitution, previous[column + 1] + 1, current[column] + 1)
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
