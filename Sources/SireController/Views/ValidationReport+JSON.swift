import SireCore
import SireGit
import SireSpec

extension Diagnostic {
    /// `{rule, severity, path, line, column, message}`: one problem in `validate --json`, the
    /// MCP `validate` tool and the check records.
    package var json: Value {
        .object([
            "rule": .string(rule), "severity": .string(severity.rawValue), "path": .string(path),
            "line": .int(line), "column": .int(column), "message": .string(message),
        ])
    }
}

extension ValidationReport {
    /// The report as `sire-git validate --json` prints it: totals, `sire.yaml`'s problems and
    /// each workflow file with its own.
    package func json(commit: CommitInfo?) -> Value {
        .object([
            "valid": .bool(errorCount == 0),
            "errors": .int(errorCount),
            "warnings": .int(warningCount),
            "commit": commit.map { .string($0.id.description) } ?? .null,
            "config": .object([
                "path": .string(RepoConfig.fileName),
                "diagnostics": .array(configDiagnostics.map(\.json)),
            ]),
            "workflows": .array(
                files.map { file in
                    .object([
                        "path": .string(file.path),
                        "blob": file.blob.map(Value.string) ?? .null,
                        "id": file.workflowID.map(Value.string) ?? .null,
                        "valid": .bool(file.isValid),
                        "diagnostics": .array(file.diagnostics.map(\.json)),
                    ])
                }),
        ])
    }
}
