import MCP
import SireCore

extension CallTool.Result {
    /// The text of every text item, one per line: what a human-facing tool says.
    var text: String {
        content.compactMap { item -> String? in
            if case .text(let text, _, _) = item { return text }
            return nil
        }.joined(separator: "\n")
    }

    /// The step output SPEC §4 defines: `structuredContent`, else the text content parsed as a
    /// JSON object, else `{text}`.
    var stepOutput: SireCore.Value {
        if let structured = structuredContent, case .object = structured {
            return SireCore.Value(structured)
        }
        let text = self.text
        if let parsed = try? SireCore.Value.parseJSON(text), case .object = parsed {
            return parsed
        }
        return .object(["text": .string(text)])
    }
}
