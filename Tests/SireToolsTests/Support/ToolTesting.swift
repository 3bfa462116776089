import Foundation
import SireCore
import SireTools
import Synchronization
import Testing

/// One dispatcher for the whole test process: tests share its HTTP client as the engine will.
let sharedDispatcher = Dispatcher()

/// Parses JSON written in a test; a typo in a test is a test bug, so it traps.
func json(_ text: String) -> Value {
    do {
        return try Value.parseJSON(text)
    } catch {
        fatalError("bad JSON in a test: \(error)\n\(text)")
    }
}

extension Value {
    /// A member of an object, or nil.
    subscript(key: String) -> Value? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// An element of an array, or nil.
    subscript(index: Int) -> Value? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var intValue: Int? {
        if case .int(let number) = self { return number }
        return nil
    }
}

/// Collects the lines a tool logs, in the order it sent them.
final class LogRecorder: Sendable {
    private let storage = Mutex<[ToolLogLine]>([])

    var lines: [ToolLogLine] { storage.withLock { $0 } }

    var toolLog: ToolLog {
        ToolLog { line in self.storage.withLock { $0.append(line) } }
    }
}

/// Calls a built-in through the shared dispatcher.
func callBuiltin(
    _ name: String, _ params: Value, checkout: String = FileManager.default.currentDirectoryPath,
    timeout: Duration? = nil, log: ToolLog = ToolLog { _ in }, attempt: Int = 1
) async throws(ToolError) -> Value {
    try await sharedDispatcher.call(
        ToolCall(
            tool: .local(name), params: params, runID: "run-1", stepID: "step-1", attempt: attempt,
            checkout: checkout, timeout: timeout, log: log))
}

/// The failure a call must produce; records an issue (and returns nil) if it succeeds.
func expectFailure(
    _ name: String, _ params: Value, checkout: String = FileManager.default.currentDirectoryPath,
    timeout: Duration? = nil, sourceLocation: SourceLocation = #_sourceLocation
) async -> ToolError? {
    do {
        let output = try await callBuiltin(name, params, checkout: checkout, timeout: timeout)
        Issue.record(
            "expected \(name) to fail, got \(output.jsonString())", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// A throwaway checkout in a unique temporary directory, with a sibling directory outside it
/// that holds a secret, to aim escapes at. Removed in `deinit`.
final class Sandbox {
    let base: String
    /// The checkout (canonical path).
    let root: String
    /// A directory next to the checkout, outside it.
    let outside: String

    init() throws {
        let url = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("sire-tools-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        base = url.resolvingSymlinksInPath().path
        root = base + "/checkout"
        outside = base + "/outside"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try Data("top secret\n".utf8).write(to: URL(fileURLWithPath: outside + "/secret.txt"))
    }

    deinit {
        try? FileManager.default.removeItem(atPath: base)
    }

    /// Writes a file in the checkout, creating parent directories.
    func write(_ path: String, _ content: String) throws {
        let url = URL(fileURLWithPath: root + "/" + path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }

    /// Makes a symlink at `path` in the checkout whose target is `target`, as written.
    func symlink(_ path: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(
            atPath: root + "/" + path, withDestinationPath: target)
    }

    /// A file's content in the checkout, or nil.
    func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: root + "/" + path).map {
            String(decoding: $0, as: UTF8.self)
        }
    }
}
