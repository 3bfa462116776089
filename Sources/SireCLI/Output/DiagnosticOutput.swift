import Foundation
import SireCore
import SireSpec

/// Renders diagnostics in the formats of `validate` and `check` (SPEC §7).
enum DiagnosticOutput {
    /// `path:line:col: severity: message [rule]`, the source line and a caret under the column.
    /// Control characters from the repository are escaped, so each diagnostic stays on its
    /// lines and cannot drive the terminal.
    static func text(_ diagnostics: [Diagnostic], sources: [String: String]) -> String {
        var lines: [String] = []
        var split: [String: [Substring]] = [:]
        for diagnostic in diagnostics {
            lines.append(diagnostic.description.escapingControlCharacters)
            if split[diagnostic.path] == nil, let source = sources[diagnostic.path] {
                // Split on scalars: in Swift "\r\n" is one Character, so a Character split on
                // "\n" would never break a CRLF file into lines.
                split[diagnostic.path] = source.unicodeScalars
                    .split(separator: "\n", omittingEmptySubsequences: false)
                    .map { line in Substring(line.last == "\r" ? line.dropLast() : line) }
            }
            guard let fileLines = split[diagnostic.path], diagnostic.line >= 1, diagnostic.line <= fileLines.count
            else { continue }
            let sourceLine = fileLines[diagnostic.line - 1]
            if sourceLine.unicodeScalars.count > 200 { continue }
            let number = String(diagnostic.line)
            let gutter = String(repeating: " ", count: number.count)
            // Keep tabs so the caret lines up with what the terminal shows; an escaped control
            // character takes as many columns as its escape.
            let lead = sourceLine.unicodeScalars.prefix(max(0, diagnostic.column - 1)).map { scalar in
                scalar == "\t" ? "\t" : String(repeating: " ", count: String(scalar).escapingControlCharacters.count)
            }
            lines.append(" \(number) | \(String(sourceLine).escapingControlCharacters)")
            lines.append(" \(gutter) | \(lead.joined())^")
        }
        return lines.joined(separator: "\n")
    }

    /// A SARIF 2.1.0 log with one run.
    static func sarif(_ diagnostics: [Diagnostic]) -> String {
        let ruleIDs = Array(Set(diagnostics.map(\.rule))).sorted()
        let rules: [Value] = ruleIDs.map { id in
            .object([
                "id": .string(id),
                "shortDescription": .object(["text": .string(Rule.summary(id))]),
            ])
        }
        let results: [Value] = diagnostics.map { d in
            .object([
                "ruleId": .string(d.rule),
                "ruleIndex": .int(ruleIDs.firstIndex(of: d.rule) ?? 0),
                "level": .string(d.severity == .error ? "error" : "warning"),
                "message": .object(["text": .string(d.message)]),
                "locations": .array([
                    .object([
                        "physicalLocation": .object([
                            "artifactLocation": .object([
                                "uri": .string(uri(d.path)), "uriBaseId": .string("%SRCROOT%"),
                            ]),
                            "region": .object([
                                "startLine": .int(max(1, d.line)), "startColumn": .int(max(1, d.column)),
                            ]),
                        ])
                    ])
                ]),
            ])
        }
        let log: Value = .object([
            "$schema": .string("https://json.schemastore.org/sarif-2.1.0.json"),
            "version": .string("2.1.0"),
            "runs": .array([
                .object([
                    "tool": .object([
                        "driver": .object([
                            "name": .string("sire-git"),
                            "version": .string(SireVersion.current),
                            "rules": .array(rules),
                        ])
                    ]),
                    "results": .array(results),
                ])
            ]),
        ])
        return log.jsonString(pretty: true)
    }

    /// A repository path as a relative URI reference (SARIF §3.10.2): each segment percent-encoded.
    private static func uri(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            String(segment).addingPercentEncoding(withAllowedCharacters: uriSegment) ?? String(segment)
        }.joined(separator: "/")
    }

    private static let uriSegment: CharacterSet = {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/;")
        return allowed
    }()

    /// GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`.
    static func github(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { d in
            let kind = d.severity == .error ? "error" : "warning"
            return
                "::\(kind) file=\(escapeProperty(d.path)),line=\(d.line),col=\(d.column),title=\(escapeProperty(d.rule))::\(escapeData(d.message))"
        }.joined(separator: "\n")
    }

    private static func escapeData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    private static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    /// `2 errors, 1 warning` style counts.
    static func counts(errors: Int, warnings: Int) -> String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return "\(plural(errors, "error")), \(plural(warnings, "warning"))"
    }
}
