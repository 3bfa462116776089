import SireCore

extension YAMLNode {
    /// The file position of the Unicode scalar at `offset` in this scalar's value, e.g. where
    /// `{{` sits inside `"x {{ steps.foo.output }}"`.
    ///
    /// Exact for every scalar style, including folded lines, doubled quotes, escapes and block
    /// indentation; an offset on a folded line break maps to that line break. Offsets past the
    /// end map to the end of the value (a quoted scalar's closing quote). When the source does
    /// not rebuild to the value (not expected), the start of the text advanced by `offset` on
    /// its first line is returned. A collection returns its `start`.
    public func position(ofValueOffset offset: Int, in source: YAMLSource) -> SourcePosition {
        guard case .scalar(let text, let style) = kind else { return start }
        let startIndex = source.index(of: start)
        let endIndex = max(startIndex, source.index(of: end))
        if let locator = YAMLScalarLocator.locate(
            value: text, style: style, start: startIndex, end: endIndex, in: source)
        {
            return source.position(ofIndex: locator.index(ofValueOffset: offset))
        }
        let guess = start.advanced(by: style == .plain ? offset : offset + 1)
        return guess.line == end.line && guess.column <= end.column ? guess : start
    }
}
