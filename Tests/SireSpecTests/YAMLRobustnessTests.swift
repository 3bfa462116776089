import SireCore
import Testing

@testable import SireSpec

@Suite("YAML composer: hostile and mangled input")
struct YAMLRobustnessTests {
    /// A seeded generator, so a failure reproduces.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let fragments: [String] = [
        "\t", " ", "\n", ":", ": ", "- ", "\"", "'", "\\", "|", ">", "|-", "&a ", "*a", "!!int ",
        "[",
        "]", "{", "}", ",", "#", "é", "😀", "\r\n", "---\n", "\\u00e9", "<<: ", "? ", "%", "@",
    ]

    @Test func mangledWorkflowsNeverCrashAndPositionsStayInTheFile() throws {
        var generator = SplitMix64(state: 42)
        let original = Array(YAMLComposerTests.typicalWorkflow.unicodeScalars)
        for _ in 0..<200 {
            var scalars = original
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let at = Int.random(in: 0..<scalars.count, using: &generator)
                if Bool.random(using: &generator) {
                    let fragment = Self.fragments.randomElement(using: &generator)!
                    scalars.insert(contentsOf: fragment.unicodeScalars, at: at)
                } else {
                    scalars.remove(at: at)
                }
            }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            let result = YAMLComposer.compose(text)
            let source = YAMLSource(text)
            for problem in result.problems {
                #expect(problem.position.line >= 1 && problem.position.line <= source.lineCount)
            }
            #expect(result.problems.map(\.position) == result.problems.map(\.position).sorted())
            guard let root = result.root else { continue }
            var pending = [root]
            while let node = pending.popLast() {
                switch node.kind {
                case .scalar(let value, _):
                    for offset in 0...(value.unicodeScalars.count + 1) {
                        let position = node.position(ofValueOffset: offset, in: source)
                        #expect(position >= node.start && position <= node.end, "\(text)")
                    }
                case .sequence(let items):
                    pending += items
                case .mapping(let pairs):
                    pending += pairs.flatMap { [$0.key, $0.value] }
                }
            }
        }
    }
}
