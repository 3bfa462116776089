import Foundation
import SireCore
import Testing

/// Every escape is tried for real against files on disk, for each file tool.
@Suite("File tools stay inside the checkout")
struct ConfinementTests {
    static let tools = ["file.read", "file.write", "file.list"]

    private func params(_ tool: String, _ path: String) -> Value {
        switch tool {
        case "file.write": .object(["path": .string(path), "content": .string("pwned")])
        default: .object(["path": .string(path)])
        }
    }

    /// Asserts the call is refused with a message naming the path, and that nothing outside changed.
    private func expectRefused(
        _ tool: String, _ path: String, in sandbox: Sandbox, mentioning reason: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let error = try #require(
            await expectFailure(tool, params(tool, path), checkout: sandbox.root),
            sourceLocation: sourceLocation)
        #expect(error.message.contains("'\(path)'"), sourceLocation: sourceLocation)
        #expect(error.message.contains(reason), "\(error.message)", sourceLocation: sourceLocation)
        #expect(!error.transient, sourceLocation: sourceLocation)
        let secret = FileManager.default.contents(atPath: sandbox.outside + "/secret.txt")
        #expect(secret == Data("top secret\n".utf8), sourceLocation: sourceLocation)
        let entries = try FileManager.default.contentsOfDirectory(atPath: sandbox.outside)
        #expect(entries == ["secret.txt"], sourceLocation: sourceLocation)
    }

    @Test("absolute paths are refused", arguments: tools)
    func absolute(tool: String) async throws {
        let sandbox = try Sandbox()
        try await expectRefused(
            tool, sandbox.outside + "/secret.txt", in: sandbox, mentioning: "absolute")
        try await expectRefused(
            tool, sandbox.root + "/inside.txt", in: sandbox, mentioning: "absolute")
    }

    @Test("'..' that climbs out is refused; '..' that stays inside is fine", arguments: tools)
    func dotDot(tool: String) async throws {
        let sandbox = try Sandbox()
        try sandbox.write("sub/file.txt", "inside")
        try await expectRefused(tool, "../outside/secret.txt", in: sandbox, mentioning: "escapes")
        try await expectRefused(
            tool, "sub/../../outside/secret.txt", in: sandbox, mentioning: "escapes")
        let inside = tool == "file.list" ? "sub/.." : "sub/../sub/file.txt"
        _ = try await callBuiltin(tool, params(tool, inside), checkout: sandbox.root)
    }

    @Test("a symlink to a file outside is refused", arguments: tools)
    func symlinkToFile(tool: String) async throws {
        let sandbox = try Sandbox()
        try sandbox.symlink("secret-link", to: sandbox.outside + "/secret.txt")
        try await expectRefused(tool, "secret-link", in: sandbox, mentioning: "pointing outside")
    }

    @Test("a relative symlink climbing out is refused", arguments: tools)
    func relativeSymlink(tool: String) async throws {
        let sandbox = try Sandbox()
        try sandbox.write("sub/keep.txt", "")
        try sandbox.symlink("sub/up", to: "../../outside/secret.txt")
        try await expectRefused(tool, "sub/up", in: sandbox, mentioning: "pointing outside")
    }

    @Test("a symlinked directory leading outside is refused at any component", arguments: tools)
    func symlinkedDirectory(tool: String) async throws {
        let sandbox = try Sandbox()
        try sandbox.write("a/b/keep.txt", "")
        try sandbox.symlink("a/b/escape", to: sandbox.outside)
        let path = tool == "file.list" ? "a/b/escape" : "a/b/escape/secret.txt"
        try await expectRefused(tool, path, in: sandbox, mentioning: "pointing outside")
        // A new file through the link would land outside: refused before anything is created.
        try await expectRefused(
            tool, "a/b/escape/new/file.txt", in: sandbox, mentioning: "pointing outside")
    }

    @Test("a dangling symlink to outside cannot be written through", arguments: tools)
    func danglingSymlink(tool: String) async throws {
        let sandbox = try Sandbox()
        try sandbox.symlink("dangling", to: sandbox.outside + "/created-by-attack.txt")
        try await expectRefused(tool, "dangling", in: sandbox, mentioning: "pointing outside")
    }

    @Test("a chain of symlinks ending outside is refused; one ending inside is followed")
    func symlinkChains() async throws {
        let sandbox = try Sandbox()
        try sandbox.write("real/data.txt", "inside data")
        try sandbox.symlink("hop1", to: "hop2")
        try sandbox.symlink("hop2", to: sandbox.outside)
        try await expectRefused(
            "file.read", "hop1/secret.txt", in: sandbox, mentioning: "pointing outside")
        try sandbox.symlink("good1", to: "good2")
        try sandbox.symlink("good2", to: sandbox.root + "/real")
        let output = try await callBuiltin(
            "file.read", json(#"{"path": "good1/data.txt"}"#), checkout: sandbox.root)
        #expect(output["content"] == .string("inside data"))
        #expect(output["path"] == .string("good1/data.txt"))
    }

    @Test("a symlink loop is refused, not followed forever")
    func symlinkLoop() async throws {
        let sandbox = try Sandbox()
        try sandbox.symlink("ping", to: "pong")
        try sandbox.symlink("pong", to: "ping")
        try await expectRefused(
            "file.read", "ping", in: sandbox, mentioning: "too many levels of symlinks")
    }

    @Test("shell.run's cwd is confined like file paths")
    func shellWorkingDirectory() async throws {
        let sandbox = try Sandbox()
        try sandbox.symlink("elsewhere", to: sandbox.outside)
        for cwd in ["../outside", sandbox.outside, "elsewhere"] {
            let error = try #require(
                await expectFailure(
                    "shell.run", .object(["argv": json(#"["pwd"]"#), "cwd": .string(cwd)]),
                    checkout: sandbox.root))
            #expect(error.message.contains("'\(cwd)'"))
        }
        try sandbox.write("sub/x", "")
        let output = try await callBuiltin(
            "shell.run", json(#"{"argv": ["pwd"], "cwd": "sub"}"#), checkout: sandbox.root)
        #expect(output["stdout"] == .string(sandbox.root + "/sub\n"))
    }
}
