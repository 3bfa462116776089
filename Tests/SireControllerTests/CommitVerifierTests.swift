import Foundation
import SireGit
import SireStore
import SireTestSupport
import Testing

@testable import SireController

/// `verify: { mode: head }` with real SSH signatures made by `git commit -S` and checked with
/// `ssh-keygen -Y verify`.
@Suite struct CommitVerifierTests {
    let repo: GitFixture
    let reconciler: Reconciler
    let allowedKey: String
    let otherKey: String

    init() async throws {
        repo = try await GitFixture()
        reconciler = Reconciler(gitDirectory: repo.root + "/.git", store: try Store(directory: repo.sandbox + "/state"))
        allowedKey = repo.sandbox + "/allowed"
        otherKey = repo.sandbox + "/other"
        for key in [allowedKey, otherKey] {
            let made = try await ChildProcess.run(
                ChildProcess.which("ssh-keygen"), ["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", key])
            #expect(made.status == 0, "\(made)")
        }
    }

    /// Commits everything, signed with `key` (or unsigned).
    func commit(_ message: String, key: String?) async throws -> ObjectID {
        try await repo.git(["add", "--all"])
        var arguments = ["commit", "-q", "--allow-empty", "-m", message]
        if let key { arguments = ["-c", "gpg.format=ssh", "-c", "user.signingkey=\(key)"] + arguments + ["-S"] }
        try await repo.git(arguments)
        return try #require(ObjectID(try await repo.git("rev-parse HEAD")))
    }

    func setUpSignedRepository() async throws -> ObjectID {
        let email = try await repo.git(["var", "GIT_COMMITTER_IDENT"]).split(separator: "<")[1].split(separator: ">")[0]
        let publicKey = try String(contentsOfFile: allowedKey + ".pub", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.write(".sire/allowed_signers", "\(email) namespaces=\"git\" \(publicKey)\n")
        try repo.write("sire.yaml", "verify: { mode: head, allowed_signers: .sire/allowed_signers }\n")
        try repo.write("workflows/a.yaml", ReconcilerTests.workflow("a"))
        return try await commit("signed start", key: allowedKey)
    }

    @Test func onlyCommitsSignedByAnAllowedKeyAreDeployed() async throws {
        let first = try await setUpSignedRepository()
        let start = try reconciler.reconcile(head: first)
        #expect(start.refused == nil, "\(start.refused ?? "")")
        #expect(start.applied.map(\.id) == ["a"])

        try repo.write("workflows/b.yaml", ReconcilerTests.workflow("b"))
        let unsigned = try reconciler.reconcile(head: try await commit("unsigned", key: nil))
        #expect(unsigned.refused?.contains("is not signed") == true, "\(unsigned.refused ?? "")")
        #expect(unsigned.applied.isEmpty)

        let forged = try reconciler.reconcile(head: try await commit("other key", key: otherKey))
        #expect(forged.refused?.contains("not from an allowed signer") == true, "\(forged.refused ?? "")")

        let good = try reconciler.reconcile(head: try await commit("allowed key", key: allowedKey))
        #expect(good.refused == nil, "\(good.refused ?? "")")
        #expect(good.applied.map(\.id) == ["b"])
    }

    @Test func aCommitCannotSwitchVerificationOffForItself() async throws {
        _ = try await reconciler.reconcile(head: try setUpSignedRepository())
        try repo.write("sire.yaml", "verify: { mode: none }\n")
        try repo.write("workflows/c.yaml", ReconcilerTests.workflow("c"))
        let outcome = try reconciler.reconcile(head: try await commit("turn verification off", key: nil))
        #expect(outcome.refused?.contains("is not signed") == true, "\(outcome.refused ?? "")")
        #expect(outcome.applied.isEmpty)
    }
}

/// `verify: { mode: head, keyring: ... }` with real OpenPGP signatures: keys made with `gpg` in a
/// private GNUPGHOME, commits signed by `git commit -S` through it, checked with `gpg --verify`
/// against the keyring committed in the repository.
@Suite final class OpenPGPVerifierTests {
    let repo: GitFixture
    let reconciler: Reconciler
    let home: String
    let wrapper: String

    init() async throws {
        repo = try await GitFixture()
        reconciler = Reconciler(gitDirectory: repo.root + "/.git", store: try Store(directory: repo.sandbox + "/state"))
        home = repo.sandbox + "/gnupg"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: home)
        wrapper = repo.sandbox + "/gpg.sh"
        try "#!/bin/sh\nGNUPGHOME='\(home)' exec gpg \"$@\"\n".write(toFile: wrapper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper)
        for who in ["allowed", "other"] {
            try await gpg([
                "--batch", "--passphrase", "", "--quick-gen-key", "\(who) <\(who)@example.com>", "ed25519", "sign",
                "never",
            ])
        }
    }

    deinit {
        // gpg started an agent for the private home: ask it to stop (it also stops by itself
        // once its socket goes with the home).
        let environment = ["GNUPGHOME": home, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        Task.detached {
            _ = try? await ChildProcess.run(ChildProcess.which("gpgconf"), ["--kill", "all"], environment: environment)
        }
    }

    /// Runs gpg in the private home.
    func gpg(_ arguments: [String]) async throws {
        let result = try await ChildProcess.run(wrapper, arguments)
        #expect(result.status == 0, "gpg \(arguments): \(result)")
    }

    func commit(_ message: String, key: String?) async throws -> ObjectID {
        try await repo.git(["add", "--all"])
        var arguments = ["commit", "-q", "--allow-empty", "-m", message]
        if let key {
            arguments =
                ["-c", "gpg.program=\(wrapper)", "-c", "user.signingkey=\(key)@example.com"] + arguments + ["-S"]
        }
        try await repo.git(arguments)
        return try #require(ObjectID(try await repo.git("rev-parse HEAD")))
    }

    @Test func onlyCommitsSignedByAKeyInTheKeyringAreDeployed() async throws {
        try await gpg(["--output", repo.root + "/.sire-keyring.gpg", "--export", "allowed@example.com"])
        try repo.write("sire.yaml", "verify: { mode: head, keyring: .sire-keyring.gpg }\n")
        try repo.write("workflows/a.yaml", ReconcilerTests.workflow("a"))
        let start = try reconciler.reconcile(head: try await commit("signed start", key: "allowed"))
        #expect(start.refused == nil, "\(start.refused ?? "")")
        #expect(start.applied.map(\.id) == ["a"])

        try repo.write("workflows/b.yaml", ReconcilerTests.workflow("b"))
        let forged = try reconciler.reconcile(head: try await commit("other key", key: "other"))
        #expect(forged.refused?.contains("does not verify") == true, "\(forged.refused ?? "")")
        #expect(forged.applied.isEmpty)
        let unsigned = try reconciler.reconcile(head: try await commit("unsigned", key: nil))
        #expect(unsigned.refused?.contains("is not signed") == true, "\(unsigned.refused ?? "")")

        let good = try reconciler.reconcile(head: try await commit("allowed key", key: "allowed"))
        #expect(good.refused == nil, "\(good.refused ?? "")")
        #expect(good.applied.map(\.id) == ["b"])
    }
}
