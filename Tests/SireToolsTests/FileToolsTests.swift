import Foundation
import SireCore
import Testing

@Suite("file.read, file.write, file.list")
struct FileToolsTests {
    @Test("file.read returns the content, the tidied path and the size in bytes")
    func readUTF8() async throws {
        let sandbox = try Sandbox()
        try sandbox.write("docs/note.txt", "héllo\n")
        let output = try await callBuiltin(
            "file.read", json(#"{"path": "./docs//note.txt"}"#), checkout: sandbox.root)
        #expect(output == json(#"{"path": "docs/note.txt", "content": "héllo\n", "size": 7}"#))
    }

    @Test("file.read with base64 returns binary content; utf8 refuses it with a hint")
    func readBinary() async throws {
        let sandbox = try Sandbox()
        try Data([0xff, 0x00, 0xfe]).write(to: URL(fileURLWithPath: sandbox.root + "/blob.bin"))
        let output = try await callBuiltin(
            "file.read", json(#"{"path": "blob.bin", "encoding": "base64"}"#),
            checkout: sandbox.root)
        #expect(output["content"] == .string("/wD+"))
        #expect(output["size"] == .int(3))
        let error = try #require(
            await expectFailure("file.read", json(#"{"path": "blob.bin"}"#), checkout: sandbox.root)
        )
        #expect(error.message.contains("not valid UTF-8"))
        #expect(error.message.contains("base64"))
        #expect(!error.transient)
    }

    @Test("file.read fails clearly on a missing file, a directory, and a bad encoding")
    func readErrors() async throws {
        let sandbox = try Sandbox()
        try sandbox.write("dir/a.txt", "a")
        let missing = try #require(
            await expectFailure("file.read", json(#"{"path": "nope.txt"}"#), checkout: sandbox.root)
        )
        #expect(missing.message.contains("nope.txt"))
        #expect(missing.message.contains("No such file"))
        let directory = try #require(
            await expectFailure("file.read", json(#"{"path": "dir"}"#), checkout: sandbox.root))
        #expect(directory.message.contains("not a regular file"))
        let encoding = try #require(
            await expectFailure(
                "file.read", json(#"{"path": "dir/a.txt", "encoding": "latin1"}"#),
                checkout: sandbox.root))
        #expect(encoding.message.contains("'encoding'"))
    }

    @Test("file.write creates parent directories, truncates by default and appends on request")
    func writeAndAppend() async throws {
        let sandbox = try Sandbox()
        let first = try await callBuiltin(
            "file.write", json(#"{"path": "out/deep/report.txt", "content": "one\n"}"#),
            checkout: sandbox.root)
        #expect(first == json(#"{"path": "out/deep/report.txt", "size": 4}"#))
        let appended = try await callBuiltin(
            "file.write",
            json(#"{"path": "out/deep/report.txt", "content": "two\n", "append": true}"#),
            checkout: sandbox.root)
        #expect(appended["size"] == .int(8))
        #expect(sandbox.read("out/deep/report.txt") == "one\ntwo\n")
        _ = try await callBuiltin(
            "file.write", json(#"{"path": "out/deep/report.txt", "content": "3"}"#),
            checkout: sandbox.root)
        #expect(sandbox.read("out/deep/report.txt") == "3")
    }

    @Test("file.write applies the mode, 0644 by default")
    func writeMode() async throws {
        let sandbox = try Sandbox()
        _ = try await callBuiltin(
            "file.write", json(##"{"path": "run.sh", "content": "#!/bin/sh\n", "mode": "0750"}"##),
            checkout: sandbox.root)
        _ = try await callBuiltin(
            "file.write", json(#"{"path": "plain.txt", "content": "x"}"#), checkout: sandbox.root)
        func mode(_ path: String) throws -> Int {
            let attributes = try FileManager.default.attributesOfItem(
                atPath: sandbox.root + "/" + path)
            return (attributes[.posixPermissions] as? Int) ?? -1
        }
        #expect(try mode("run.sh") == 0o750)
        #expect(try mode("plain.txt") == 0o644)
        let bad = try #require(
            await expectFailure(
                "file.write", json(#"{"path": "x", "content": "", "mode": "rwx"}"#),
                checkout: sandbox.root))
        #expect(bad.message.contains("'mode'"))
    }

    @Test("file.list lists files only, sorted, relative to the checkout; recursive on request")
    func list() async throws {
        let sandbox = try Sandbox()
        try sandbox.write("b.txt", "")
        try sandbox.write("a.csv", "")
        try sandbox.write("data/2024/x.csv", "")
        try sandbox.write("data/y.txt", "")
        let top = try await callBuiltin("file.list", json("{}"), checkout: sandbox.root)
        #expect(top == json(#"{"files": ["a.csv", "b.txt"], "count": 2}"#))
        let deep = try await callBuiltin(
            "file.list", json(#"{"path": "data", "recursive": true}"#), checkout: sandbox.root)
        #expect(deep == json(#"{"files": ["data/2024/x.csv", "data/y.txt"], "count": 2}"#))
        let everything = try await callBuiltin(
            "file.list", json(#"{"recursive": true}"#), checkout: sandbox.root)
        #expect(everything["count"] == .int(4))
    }

    @Test("file.list matches the glob against the path relative to 'path'")
    func listPattern() async throws {
        let sandbox = try Sandbox()
        try sandbox.write("data/2024/x.csv", "")
        try sandbox.write("data/2024/notes.txt", "")
        try sandbox.write("data/y.csv", "")
        let output = try await callBuiltin(
            "file.list", json(#"{"path": "data", "recursive": true, "pattern": "**/*.csv"}"#),
            checkout: sandbox.root)
        #expect(output["files"] == json(#"["data/2024/x.csv", "data/y.csv"]"#))
        let oneLevel = try await callBuiltin(
            "file.list", json(#"{"path": "data", "recursive": true, "pattern": "*.csv"}"#),
            checkout: sandbox.root)
        #expect(oneLevel["files"] == json(#"["data/y.csv"]"#))
        let bad = try #require(
            await expectFailure(
                "file.list", json(#"{"pattern": "data/[a"}"#), checkout: sandbox.root))
        #expect(bad.message.contains("'pattern'"))
    }

    @Test("file.list skips symlinks that lead outside and does not follow symlinked directories")
    func listSymlinks() async throws {
        let sandbox = try Sandbox()
        try sandbox.write("real.txt", "")
        try sandbox.symlink("inside-link.txt", to: "real.txt")
        try sandbox.symlink("outside-link.txt", to: sandbox.outside + "/secret.txt")
        try sandbox.symlink("outside-dir", to: sandbox.outside)
        try sandbox.symlink("loop", to: ".")
        let output = try await callBuiltin(
            "file.list", json(#"{"recursive": true}"#), checkout: sandbox.root)
        #expect(output["files"] == json(#"["inside-link.txt", "real.txt"]"#))
    }

    @Test(
        "bad params are permanent errors that name the tool and the parameter",
        arguments: [
            (#"{"path": "a", "encodng": "utf8"}"#, "unknown parameter 'encodng'"),
            (#"{"path": "a", "encodng": null}"#, "unknown parameter 'encodng'"),
            (#"{"path": 3}"#, "'path' must be a string, not integer"),
            (#"{}"#, "missing required parameter 'path'"),
            (#"[1]"#, "params must be an object"),
        ])
    func badParams(params: String, expected: String) async throws {
        let error = try #require(await expectFailure("file.read", json(params)))
        #expect(error.message.hasPrefix("file.read: "))
        #expect(error.message.contains(expected))
        #expect(!error.transient)
    }

    @Test("an unknown parameter gets a did-you-mean hint")
    func unknownParameterHint() async throws {
        let error = try #require(
            await expectFailure("file.write", json(#"{"path": "a", "contnet": "x"}"#)))
        #expect(error.message.contains("did you mean 'content'?"))
    }
}
