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

    init() throws {
        repo = try GitFixture()
        reconciler = Reconciler(gitDirectory: repo.root + "/.git", store: try Store(directory: repo.sandbox + "/state"))
        allowedKey = repo.sandbox + "/allowed"
        otherKey = repo.sandbox + "/other"
        for key in [allowedKey, otherKey] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", key]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
        }
    }

    /// Commits everything, signed with `key` (or unsigned).
    func commit(_ message: String, key: String?) throws -> ObjectID {
        try repo.git(["add", "--all"])
        var arguments = ["commit", "-q", "--allow-empty", "-m", message]
        if let key { arguments = ["-c", "gpg.format=ssh", "-c", "user.signingkey=\(key)"] + arguments + ["-S"] }
        try repo.git(arguments)
        return try #require(ObjectID(try repo.git("rev-parse HEAD")))
    }

    func setUpSignedRepository() throws -> ObjectID {
        let email = try repo.git(["var", "GIT_COMMITTER_IDENT"]).split(separator: "<")[1].split(separator: ">")[0]
        let publicKey = try String(contentsOfFile: allowedKey + ".pub", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.write(".sire/allowed_signers", "\(email) namespaces=\"git\" \(publicKey)\n")
        try repo.write("sire.yaml", "verify: { mode: head, allowed_signers: .sire/allowed_signers }\n")
        try repo.write("workflows/a.yaml", ReconcilerTests.workflow("a"))
        return try commit("signed start", key: allowedKey)
    }

    @Test func onlyCommitsSignedByAnAllowedKeyAreDeployed() throws {
        let first = try setUpSignedRepository()
        let start = try reconciler.reconcile(head: first)
        #expect(start.refused == nil, "\(start.refused ?? "")")
        #expect(start.applied.map(\.id) == ["a"])

        try repo.write("workflows/b.yaml", ReconcilerTests.workflow("b"))
        let unsigned = try reconciler.reconcile(head: try commit("unsigned", key: nil))
        #expect(unsigned.refused?.contains("is not signed") == true, "\(unsigned.refused ?? "")")
        #expect(unsigned.applied.isEmpty)

        let forged = try reconciler.reconcile(head: try commit("other key", key: otherKey))
        #expect(forged.refused?.contains("not from an allowed signer") == true, "\(forged.refused ?? "")")

        let good = try reconciler.reconcile(head: try commit("allowed key", key: allowedKey))
        #expect(good.refused == nil, "\(good.refused ?? "")")
        #expect(good.applied.map(\.id) == ["b"])
    }

    @Test func aCommitCannotSwitchVerificationOffForItself() throws {
        _ = try reconciler.reconcile(head: try setUpSignedRepository())
        try repo.write("sire.yaml", "verify: { mode: none }\n")
        try repo.write("workflows/c.yaml", ReconcilerTests.workflow("c"))
        let outcome = try reconciler.reconcile(head: try commit("turn verification off", key: nil))
        #expect(outcome.refused?.contains("is not signed") == true, "\(outcome.refused ?? "")")
        #expect(outcome.applied.isEmpty)
    }
}
