import SireCore

/// One workflow file to validate: its repository-relative path, content and (at a revision)
/// its blob id.
public struct WorkflowFile: Sendable, Hashable {
    public var path: String
    public var blob: String?
    /// The content; for a file over ``WorkflowValidator/maxFileSize`` only what was read of it
    /// (possibly nothing), since the validator refuses it by `size` alone.
    public var bytes: [UInt8]
    /// The file's whole size in bytes.
    public var size: Int
    /// The work tree holds a symbolic link here (or under a linked directory): it is reported
    /// and never read, since it could point anywhere on the machine.
    public var isSymbolicLink: Bool

    public init(path: String, blob: String? = nil, bytes: [UInt8], size: Int? = nil, isSymbolicLink: Bool = false) {
        self.path = path
        self.blob = blob
        self.bytes = bytes
        self.size = size ?? bytes.count
        self.isSymbolicLink = isSymbolicLink
    }

    /// A symbolic link found at `path` in a work tree.
    public static func symbolicLink(path: String) -> WorkflowFile {
        WorkflowFile(path: path, bytes: [], isSymbolicLink: true)
    }
}

/// The outcome for one workflow file.
public struct FileReport: Sendable, Hashable {
    public var path: String
    public var blob: String?
    /// The workflow id (from `id:` or the file stem), when one could be read.
    public var workflowID: String?
    /// Where the id is written (1:1 when it comes from the file name).
    public var idPosition: SourcePosition
    /// The decoded workflow; nil when the file has errors.
    public var workflow: Workflow?
    public var diagnostics: [Diagnostic]

    /// True when no diagnostic is an error.
    public var isValid: Bool { !diagnostics.contains { $0.severity == .error } }
}

/// Validates workflow files and `sire.yaml`.
public enum WorkflowValidator {
    /// SPEC limit on a workflow file's size.
    public static let maxFileSize = 1 << 20

    /// Validates one workflow file against a repository config.
    public static func validate(_ file: WorkflowFile, config: RepoConfig) -> FileReport {
        let stem = Self.stem(of: file.path)
        var report = FileReport(
            path: file.path, blob: file.blob, workflowID: stem, idPosition: SourcePosition(line: 1, column: 1),
            workflow: nil, diagnostics: [])
        let (decoder, root) = parse(
            file.bytes, size: file.size, path: file.path, what: "workflow file", isSymbolicLink: file.isSymbolicLink)
        guard let root else {
            report.diagnostics = decoder.diagnostics.sorted(by: Diagnostic.ordered)
            return report
        }
        let workflowDecoder = WorkflowDecoder(decoder: decoder, config: config, defaultID: stem)
        let workflow = workflowDecoder.decode(root)
        if let workflow {
            report.workflowID = workflow.id
            if let idNode = workflowDecoder.idNode { report.idPosition = idNode.start }
            WorkflowChecker(
                decoder: decoder, workflow: workflow, nodes: workflowDecoder.stepNodes,
                sites: workflowDecoder.sites, edgeNodes: workflowDecoder.edgeNodes
            ).check()
        }
        report.diagnostics = decoder.diagnostics.sorted(by: Diagnostic.ordered)
        if report.isValid { report.workflow = workflow }
        return report
    }

    /// Reads `sire.yaml` (nil content = no file: the defaults).
    /// Reads `sire.yaml` (`bytes`, of `size` bytes in all when only part was read); defaults
    /// when there is none.
    public static func loadConfig(
        path: String = RepoConfig.fileName, bytes: [UInt8]?, size: Int? = nil, isSymbolicLink: Bool = false
    ) -> (RepoConfig, [Diagnostic]) {
        guard let bytes else { return (RepoConfig(), []) }
        let (decoder, root) = parse(
            bytes, size: size ?? bytes.count, path: path, what: "sire.yaml", emptyIsError: false,
            isSymbolicLink: isSymbolicLink)
        guard let root else {
            return (RepoConfig(), decoder.diagnostics.sorted(by: Diagnostic.ordered))
        }
        let config = ConfigDecoder.decode(root, decoder: decoder)
        return (config, decoder.diagnostics.sorted(by: Diagnostic.ordered))
    }

    /// The file name without directories and extension: a workflow's default id.
    public static func stem(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        for ext in [".yaml", ".yml"] where name.hasSuffix(ext) {
            return String(name.dropLast(ext.count))
        }
        return name
    }

    /// Decodes the bytes and composes the YAML; the decoder holds every problem found so far.
    private static func parse(
        _ bytes: [UInt8], size: Int, path: String, what: String, emptyIsError: Bool = true, isSymbolicLink: Bool
    ) -> (NodeDecoder, YAMLNode?) {
        let origin = SourcePosition(line: 1, column: 1)
        if isSymbolicLink {
            let decoder = NodeDecoder(path: path, source: YAMLSource(""))
            decoder.report(
                Rule.symlink, at: origin,
                "\(what) is a symbolic link in the work tree; sire-git does not follow it (it could point "
                    + "anywhere): commit the file itself")
            return (decoder, nil)
        }
        if max(size, bytes.count) > maxFileSize {
            let decoder = NodeDecoder(path: path, source: YAMLSource(""))
            decoder.report(
                Rule.fileTooLarge, at: origin,
                "\(what) is \(max(size, bytes.count)) bytes; the limit is \(maxFileSize) bytes (1 MiB)")
            return (decoder, nil)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let decoder = NodeDecoder(path: path, source: YAMLSource(""))
            decoder.report(Rule.invalidEncoding, at: origin, "\(what) is not valid UTF-8")
            return (decoder, nil)
        }
        let decoder = NodeDecoder(path: path, source: YAMLSource(text))
        let result = YAMLComposer.compose(text)
        for problem in result.problems {
            decoder.report(problem.rule.rawValue, at: problem.position, problem.message)
        }
        if result.problems.contains(where: { $0.rule == .syntax }) { return (decoder, nil) }
        guard let root = result.root else {
            if emptyIsError, result.problems.isEmpty { decoder.report(Rule.emptyFile, at: origin, "\(what) is empty") }
            return (decoder, nil)
        }
        return (decoder, root)
    }
}
