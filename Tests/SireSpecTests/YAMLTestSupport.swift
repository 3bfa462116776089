import SireCore
import Testing

@testable import SireSpec

/// Composes text a test expects to be valid and returns its root.
func composeRoot(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> YAMLNode
{
    let result = YAMLComposer.compose(text)
    #expect(result.problems == [], sourceLocation: sourceLocation)
    return try #require(result.root, sourceLocation: sourceLocation)
}

func pos(_ line: Int, _ column: Int) -> SourcePosition {
    SourcePosition(line: line, column: column)
}
