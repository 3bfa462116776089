import AsyncHTTPClient
import Foundation
import SireCore
import Testing

@testable import SireHTTP

@Suite("POST /v1/hooks/git")
struct HookTests {
    static let secret = "hook-s3cret"

    static func github(_ body: String, event: String = "push", key: String = secret) -> [(String, String)] {
        [("X-GitHub-Event", event), ("X-Hub-Signature-256", HookVerifier.signature(of: Array(body.utf8), key: key))]
    }

    /// Waits up to `timeout` for the on-push workflow to have `count` runs.
    static func waitForRuns(_ api: APIFixture, _ count: Int, timeout: Duration = .seconds(5)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try api.runCount(workflow: "on-push") >= count { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try api.runCount(workflow: "on-push")
    }

    @Test("only an authentic push to the tracked branch pokes a fetch; bad hooks never start anything")
    func hooksPokeOnlyWhenAuthentic() async throws {
        let api = try await APIFixture(
            files: ["workflows/on-push.yaml": Workflows.onPush], urlSource: true
        ) { configuration in
            configuration.hookSecrets = HookSecrets(all: Self.secret)
        }
        try api.git.write("data/a.txt", "1")
        try await api.git.commit("data 1")
        let push = #"{"ref":"refs/heads/main","after":"x"}"#

        let missing = try await api.request(.POST, "/v1/hooks/git", body: push)
        #expect(missing.status == 401)
        #expect(missing.errorCode == "unauthorized")
        let forged = try await api.request(.POST, "/v1/hooks/git", body: push, headers: Self.github(push, key: "guess"))
        #expect(forged.status == 401)
        let tampered = try await api.request(
            .POST, "/v1/hooks/git", body: push.replacingOccurrences(of: "x", with: "y"), headers: Self.github(push))
        #expect(tampered.status == 401)
        let badGitLab = try await api.request(
            .POST, "/v1/hooks/git", body: push, headers: [("X-Gitlab-Token", "nope"), ("X-Gitlab-Event", "Push Hook")])
        #expect(badGitLab.status == 401)
        let badGeneric = try await api.request(
            .POST, "/v1/hooks/git", body: push, headers: [("X-Sire-Signature", "sha256=00ff")])
        #expect(badGeneric.status == 401)
        let ping = try await api.request(.POST, "/v1/hooks/git", body: "{}", headers: Self.github("{}", event: "ping"))
        #expect(ping.status == 204)
        let other = #"{"ref":"refs/heads/feature"}"#
        let otherBranch = try await api.request(.POST, "/v1/hooks/git", body: other, headers: Self.github(other))
        #expect(otherBranch.status == 204)
        // Nothing was fetched: the poll interval is an hour.
        try await Task.sleep(for: .milliseconds(400))
        #expect(try api.runCount() == 0)

        let good = try await api.request(.POST, "/v1/hooks/git", body: push, headers: Self.github(push))
        #expect(good.status == 202)
        #expect(try await Self.waitForRuns(api, 1) == 1)

        try api.git.write("data/b.txt", "2")
        try await api.git.commit("data 2")
        let gitlab = try await api.request(
            .POST, "/v1/hooks/git", body: push,
            headers: [("X-Gitlab-Token", Self.secret), ("X-Gitlab-Event", "Push Hook")])
        #expect(gitlab.status == 202)
        #expect(try await Self.waitForRuns(api, 2) == 2)

        try api.git.write("data/c.txt", "3")
        try await api.git.commit("data 3")
        let generic = try await api.request(
            .POST, "/v1/hooks/git", body: push,
            headers: [("X-Sire-Signature", HookVerifier.signature(of: Array(push.utf8), key: Self.secret))])
        #expect(generic.status == 202)
        #expect(try await Self.waitForRuns(api, 3) == 3)
        await api.stop()
    }

    @Test(
        "HMAC checks: right key and body pass; anything else fails",
        arguments: [
            ("body", "key", "body", "key", true), ("body", "key", "body!", "key", false),
            ("body", "key", "body", "key2", false), ("", "key", "", "key", true),
        ])
    func hmac(signed: String, signKey: String, sent: String, checkKey: String, valid: Bool) {
        let header = HookVerifier.signature(of: Array(signed.utf8), key: signKey)
        #expect(HookVerifier.validHMAC(header, body: Array(sent.utf8), key: checkKey) == valid)
        #expect(!HookVerifier.validHMAC("sha1=" + header.dropFirst(7), body: Array(sent.utf8), key: checkKey))
        #expect(!HookVerifier.validHMAC("sha256=zz", body: Array(sent.utf8), key: checkKey))
    }

    @Test("without any hook secret, unsigned hooks are taken from this machine")
    func unsignedFromLoopback() async throws {
        let api = try await APIFixture(files: ["workflows/on-push.yaml": Workflows.onPush], urlSource: true)
        try api.git.write("data/a.txt", "1")
        try await api.git.commit("data 1")
        let reply = try await api.request(.POST, "/v1/hooks/git", body: #"{"ref":"refs/heads/main"}"#)
        #expect(reply.status == 202)
        #expect(try await Self.waitForRuns(api, 1) == 1)
        await api.stop()
    }
}
