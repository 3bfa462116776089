import Foundation
import SireTestSupport
import Testing

@testable import SireGit

/// Fetching from and pushing to private remotes: real lighttpd + `git http-backend` with basic
/// authentication (http and https), and a real `sshd` with a host key checked against
/// `known_hosts`.
@Suite("Remote credentials and host verification", .serialized)
struct RemoteAccessTests {
    /// A repository with one commit on `main`, pushed to a bare repository at `bare`.
    static func seed(_ bare: String) async throws -> (GitFixture, String) {
        let fixture = try await GitFixture()
        let head = try await fixture.commit("seed")
        _ = try await fixture.git(["init", "--quiet", "--bare", bare])
        _ = try await fixture.git(["-C", bare, "config", "http.receivepack", "true"])
        _ = try await fixture.git(["push", "--quiet", bare, "HEAD:refs/heads/main"])
        return (fixture, head)
    }

    /// An sshd serving a seeded `origin.git`, and a known_hosts file that lists it.
    static func sshOrigin(passphrase: String? = nil) async throws -> (
        server: SSHServer, fixture: GitFixture, head: String, url: String, knownHosts: String
    ) {
        let server = try await SSHServer(passphrase: passphrase)
        let (fixture, head) = try await seed(server.directory + "/origin.git")
        let knownHosts = server.directory + "/known_hosts"
        try server.knownHostsLine.write(toFile: knownHosts, atomically: true, encoding: .utf8)
        return (server, fixture, head, server.url(server.directory + "/origin.git"), knownHosts)
    }

    static func fetchInto(_ url: String, _ access: RemoteAccess) async throws -> (Repository, GitFixture) {
        let clone = try await GitFixture(bare: true)
        let repository = try Repository(path: clone.root)
        try repository.fetch(remote: url, refspecs: ["+refs/heads/*:refs/heads/*"], access: access)
        return (repository, clone)
    }

    static func error(_ body: () throws -> Void) -> GitError? {
        do {
            try body()
            return nil
        } catch let error as GitError {
            return error
        } catch {
            return nil
        }
    }

    @Test(
        "smart HTTP basic authentication: the right password fetches and pushes, a wrong or missing one is refused clearly"
    )
    func smartHTTPPasswords() async throws {
        let server = try await GitHTTPServer()
        let (fixture, head) = try await Self.seed(server.path("origin"))
        let right = RemoteAccess(username: server.username, password: server.password)
        let (repository, kept) = try await Self.fetchInto(server.url("origin"), right)
        defer { withExtendedLifetime(kept) {} }
        #expect(try repository.resolveCommit("refs/heads/main").id.description == head)

        let pushed = try Repository(path: fixture.root)
        try pushed.push(remote: server.url("origin"), refspecs: ["HEAD:refs/heads/copy"], access: right)
        #expect(try await fixture.git(["-C", server.path("origin"), "rev-parse", "copy"]) == head)

        let clone = try await GitFixture(bare: true)
        let target = try Repository(path: clone.root)
        let wrong = Self.error {
            try target.fetch(
                remote: server.url("origin"), refspecs: ["+refs/heads/*:refs/heads/*"],
                access: RemoteAccess(username: server.username, password: "not-the-password"))
        }
        #expect(wrong?.code == .authentication, "\(String(describing: wrong))")
        #expect(
            wrong?.message.contains("refused the password for user 'alice'") == true, "\(String(describing: wrong))")
        #expect(wrong?.message.contains("not-the-password") == false)
        let missing = Self.error {
            try target.fetch(remote: server.url("origin"), refspecs: ["+refs/heads/*:refs/heads/*"])
        }
        #expect(missing?.code == .authentication, "\(String(describing: missing))")
        #expect(missing?.message.contains("SIRE_GIT_PASSWORD") == true, "\(String(describing: missing))")
    }

    @Test("https with a private CA: untrusted is a certificate error naming the host; --ca-file makes it work")
    func privateCertificateAuthority() async throws {
        let server = try await GitHTTPServer(tls: true)
        let stranger = try await GitHTTPServer(tls: true)
        let (_, head) = try await Self.seed(server.path("origin"))
        let access = RemoteAccess(username: server.username, password: server.password)
        let clone = try await GitFixture(bare: true)
        let repository = try Repository(path: clone.root)

        try RemoteAccess.trustCertificates(in: stranger.caFile)
        let untrusted = Self.error {
            try repository.fetch(remote: server.url("origin"), refspecs: ["+refs/heads/*:refs/heads/*"], access: access)
        }
        #expect(untrusted?.code == .certificate, "\(String(describing: untrusted))")
        #expect(untrusted?.message.contains("localhost") == true, "\(String(describing: untrusted))")
        #expect(untrusted?.message.contains(server.password) == false)

        try RemoteAccess.trustCertificates(in: server.caFile)
        try repository.fetch(remote: server.url("origin"), refspecs: ["+refs/heads/*:refs/heads/*"], access: access)
        #expect(try repository.resolveCommit("refs/heads/main").id.description == head)
    }

    @Test("ssh: a matching known_hosts works, another key is refused with its fingerprint, an unknown host too")
    func sshHostKeys() async throws {
        let (server, fixture, head, url, knownHosts) = try await Self.sshOrigin()
        let access = RemoteAccess(sshKey: server.clientKey, knownHosts: knownHosts)
        let (repository, kept) = try await Self.fetchInto(url, access)
        defer { withExtendedLifetime(kept) {} }
        #expect(try repository.resolveCommit("refs/heads/main").id.description == head, "\(server.log)")
        try Repository(path: fixture.root).push(remote: url, refspecs: ["HEAD:refs/heads/copy"], access: access)
        #expect(try await fixture.git(["-C", server.directory + "/origin.git", "rev-parse", "copy"]) == head)

        // The fingerprint OpenSSH prints for the server's key.
        let listed = try await ChildProcess.run(
            ChildProcess.which("ssh-keygen"), ["-l", "-f", server.directory + "/host_key.pub"])
        let fingerprint = try #require(listed.stdout.split(separator: " ").first { $0.hasPrefix("SHA256:") })

        // known_hosts lists another key for this host: refused, both fingerprints shown.
        let other = try await SSHServer()
        let changed = server.knownHostsLine.replacingOccurrences(
            of: String(server.knownHostsLine.split(separator: " ")[2]),
            with: String(other.knownHostsLine.split(separator: " ")[2]))
        try changed.write(toFile: knownHosts, atomically: true, encoding: .utf8)
        let refused = Self.error {
            try repository.fetch(remote: url, refspecs: ["+refs/heads/*:refs/heads/*"], access: access)
        }
        #expect(refused?.code == .certificate, "\(String(describing: refused))")
        #expect(refused?.message.contains("CHANGED") == true, "\(String(describing: refused))")
        #expect(refused?.message.contains(String(fingerprint)) == true, "\(String(describing: refused))")
        #expect(refused?.message.contains("\(knownHosts):1") == true, "\(String(describing: refused))")

        // Not listed at all (empty file): refused, with what to add.
        try "".write(toFile: knownHosts, atomically: true, encoding: .utf8)
        let unknown = Self.error {
            try repository.fetch(remote: url, refspecs: ["+refs/heads/*:refs/heads/*"], access: access)
        }
        #expect(unknown?.code == .certificate, "\(String(describing: unknown))")
        #expect(unknown?.message.contains("is not in \(knownHosts)") == true, "\(String(describing: unknown))")
        #expect(unknown?.message.contains(String(fingerprint)) == true, "\(String(describing: unknown))")

        // A hashed known_hosts (what `ssh-keygen -H` and HashKnownHosts write) matches too.
        try server.knownHostsLine.write(toFile: knownHosts, atomically: true, encoding: .utf8)
        let hashed = try await ChildProcess.run(ChildProcess.which("ssh-keygen"), ["-H", "-f", knownHosts])
        #expect(hashed.status == 0, "\(hashed)")
        #expect(try String(contentsOfFile: knownHosts, encoding: .utf8).hasPrefix("|1|"))
        try repository.fetch(remote: url, refspecs: ["+refs/heads/*:refs/heads/*"], access: access)
    }

    @Test("ssh: a passphrase-protected key works with its passphrase and is refused without")
    func sshPassphrase() async throws {
        let (server, _, head, url, knownHosts) = try await Self.sshOrigin(passphrase: "open sesame")
        let clone = try await GitFixture(bare: true)
        let repository = try Repository(path: clone.root)
        let without = Self.error {
            try repository.fetch(
                remote: url, refspecs: ["+refs/heads/*:refs/heads/*"],
                access: RemoteAccess(sshKey: server.clientKey, knownHosts: knownHosts))
        }
        #expect(without?.code == .authentication, "\(String(describing: without))")
        try repository.fetch(
            remote: url, refspecs: ["+refs/heads/*:refs/heads/*"],
            access: RemoteAccess(sshKey: server.clientKey, sshPassphrase: "open sesame", knownHosts: knownHosts))
        #expect(try repository.resolveCommit("refs/heads/main").id.description == head)
    }

    @Test("ssh: without --ssh-key the ssh-agent's keys are used, and without an agent the error says what to give")
    func sshAgent() async throws {
        let (server, _, head, url, knownHosts) = try await Self.sshOrigin()
        let clone = try await GitFixture(bare: true)
        let repository = try Repository(path: clone.root)
        let none = Self.error {
            try repository.fetch(
                remote: url, refspecs: ["+refs/heads/*:refs/heads/*"], access: RemoteAccess(knownHosts: knownHosts))
        }
        #expect(none?.code == .authentication, "\(String(describing: none))")
        #expect(none?.message.contains("--ssh-key") == true, "\(String(describing: none))")

        let socket = server.directory + "/agent.sock"
        let agent = try await ChildProcess(ChildProcess.which("ssh-agent"), ["-D", "-a", socket])
        defer { agent.signal(SIGKILL) }
        #expect(await eventually(within: .seconds(5)) { FileManager.default.fileExists(atPath: socket) })
        let added = try await ChildProcess.run(
            ChildProcess.which("ssh-add"), [server.clientKey], environment: ["SSH_AUTH_SOCK": socket])
        #expect(added.status == 0, "\(added)")
        // libssh2 finds the agent through the process's environment, as ssh does.
        setenv("SSH_AUTH_SOCK", socket, 1)
        defer { unsetenv("SSH_AUTH_SOCK") }
        try repository.fetch(
            remote: url, refspecs: ["+refs/heads/*:refs/heads/*"],
            access: RemoteAccess(agent: true, knownHosts: knownHosts))
        #expect(try repository.resolveCommit("refs/heads/main").id.description == head)
    }

    @Test("known_hosts patterns: ports, wildcards, negation, revoked keys")
    func knownHostsPatterns() {
        let key: [UInt8] = [0, 0, 0, 11] + Array("ssh-ed25519".utf8) + [1, 2, 3]
        let other: [UInt8] = [0, 0, 0, 11] + Array("ssh-ed25519".utf8) + [4, 5, 6]
        let encoded = Data(key).base64EncodedString()
        let otherEncoded = Data(other).base64EncodedString()
        let file = KnownHosts(
            path: "kh",
            text: """
                # comment
                git.example.com,192.0.2.1 ssh-ed25519 \(encoded)
                [git.example.com]:2222 ssh-ed25519 \(otherEncoded)
                *.corp.example,!bad.corp.example ssh-ed25519 \(encoded)
                @revoked old.example.com ssh-ed25519 \(encoded)
                old.example.com ssh-ed25519 \(encoded)
                @cert-authority *.example.com ssh-ed25519 \(otherEncoded)
                """)
        #expect(file.verdict(host: "git.example.com", port: 22, key: key) == .known(line: 2))
        #expect(file.verdict(host: "192.0.2.1", port: 22, key: key) == .known(line: 2))
        #expect(
            file.verdict(host: "git.example.com", port: 2222, key: key)
                == .changed(line: 3, keyType: "ssh-ed25519", fingerprint: KnownHosts.fingerprint(other)))
        #expect(file.verdict(host: "a.corp.example", port: 22, key: key) == .known(line: 4))
        #expect(file.verdict(host: "bad.corp.example", port: 22, key: key) == .unknown)
        #expect(file.verdict(host: "old.example.com", port: 22, key: key) == .revoked(line: 5))
        #expect(file.verdict(host: "nowhere.example", port: 22, key: key) == .unknown)
        #expect(KnownHosts.keyType(key) == "ssh-ed25519")
    }
}
