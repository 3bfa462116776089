import Foundation

/// A TCP port on 127.0.0.1 free at the time of asking (bound, read, closed). A server started
/// on it may still lose a race with another test; servers below retry on another port.
func freePort() throws -> Int {
    let port = try ClosedPort()
    return port.port
}

/// Waits until something accepts connections on 127.0.0.1:`port`.
func waitForListener(_ port: Int, within limit: Duration = .seconds(10)) async -> Bool {
    await eventually(within: limit) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// Why a test server did not start, with its log.
public struct ServerStartFailed: Error, CustomStringConvertible {
    public var description: String
}

/// Starts `program` with the arguments `arguments(port)` gives for a free port (writing its
/// configuration as a side effect), retrying on another port when it does not listen; its
/// output goes to `log`. Returns the process and its port.
func startListening(
    _ program: String, log: String, _ arguments: (Int) throws -> [String]
) async throws -> (ChildProcess, Int) {
    for _ in 0..<5 {
        let port = try freePort()
        let child = try await ChildProcess(ChildProcess.which(program), try arguments(port), output: log)
        if await waitForListener(port), child.isRunning { return (child, port) }
        _ = await child.stop()
    }
    let said = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    throw ServerStartFailed(description: "\(program) did not start:\n\(said)")
}

/// Git's smart HTTP (`git http-backend`) behind lighttpd with basic authentication, over http or
/// https with a certificate from a CA made for the test (`openssl`).
public final class GitHTTPServer: @unchecked Sendable {
    /// Holds the repositories, the configuration, the certificates and the logs.
    public let directory: String
    /// `GIT_PROJECT_ROOT`: repositories are `<root>/<name>.git`.
    public let root: String
    public let port: Int
    public let tls: Bool
    public let username = "alice"
    public let password: String
    /// The CA that signed the server's certificate (PEM), for https.
    public let caFile: String
    private var process: ChildProcess?

    public init(tls: Bool = false, password: String = "pw-\(UUID().uuidString.prefix(8))") async throws {
        directory = NSTemporaryDirectory() + "sire-githttp-\(UUID().uuidString)"
        root = directory + "/srv"
        self.tls = tls
        self.password = password
        caFile = directory + "/ca.pem"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try "\(username):\(password)\n".write(toFile: directory + "/users", atomically: true, encoding: .utf8)
        if tls { try await Self.makeCertificates(in: directory) }
        let directory = self.directory, tls = self.tls
        let started = try await startListening("lighttpd", log: directory + "/lighttpd.out") { port in
            let config = directory + "/lighttpd-\(port).conf"
            try Self.configuration(directory: directory, tls: tls, port: port).write(
                toFile: config, atomically: true, encoding: .utf8)
            return ["-D", "-f", config]
        }
        (process, port) = started
    }

    deinit {
        process?.signal(SIGKILL)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops the server (the remote is then down).
    public func stop() async {
        _ = await process?.stop()
        process = nil
    }

    /// Starts the stopped server again on the same port.
    public func restart() async throws {
        let config = directory + "/lighttpd-\(port).conf"
        for _ in 0..<20 {
            let child = try await ChildProcess(
                ChildProcess.which("lighttpd"), ["-D", "-f", config], output: directory + "/lighttpd.out")
            if await waitForListener(port, within: .seconds(2)), child.isRunning {
                process = child
                return
            }
            _ = await child.stop()
        }
        throw ServerStartFailed(description: "lighttpd did not start again on port \(port)")
    }

    /// The URL of repository `name` (without credentials).
    public func url(_ name: String) -> String {
        // mbedTLS (libgit2's TLS on Debian) matches DNS names only, not IP addresses.
        tls ? "https://localhost:\(port)/git/\(name).git" : "http://127.0.0.1:\(port)/git/\(name).git"
    }

    /// The path of repository `name` on the server.
    public func path(_ name: String) -> String { "\(root)/\(name).git" }

    private static func configuration(directory: String, tls: Bool, port: Int) -> String {
        let root = directory + "/srv"
        return """
            server.modules = (\(tls ? "\"mod_openssl\", " : "")"mod_alias", "mod_auth", "mod_authn_file", "mod_setenv", "mod_cgi")
            server.document-root = "\(root)"
            server.bind = "127.0.0.1"
            server.port = \(port)
            server.errorlog = "\(directory)/error.log"
            \(tls ? "ssl.engine = \"enable\"\nssl.pemfile = \"\(directory)/server-combined.pem\"" : "")
            alias.url = ( "/git" => "/usr/lib/git-core/git-http-backend" )
            $HTTP["url"] =~ "^/git" {
              cgi.assign = ( "" => "" )
              setenv.add-environment = ( "GIT_PROJECT_ROOT" => "\(root)", "GIT_HTTP_EXPORT_ALL" => "1" )
            }
            auth.backend = "plain"
            auth.backend.plain.userfile = "\(directory)/users"
            auth.require = ( "/git" => ( "method" => "basic", "realm" => "git", "require" => "valid-user" ) )

            """
    }

    private static func makeCertificates(in directory: String) async throws {
        let openssl = ChildProcess.which("openssl")
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(
            toFile: directory + "/ext", atomically: true, encoding: .utf8)
        let steps: [[String]] = [
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=sire-git test CA",
            ],
            [
                "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj",
                "/CN=localhost",
            ],
            [
                "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
                "server.pem", "-days", "2", "-extfile", "ext",
            ],
        ]
        for arguments in steps {
            let result = try await ChildProcess.run(openssl, arguments, in: directory)
            guard result.status == 0 else { throw ServerStartFailed(description: "openssl \(arguments): \(result)") }
        }
        let combined =
            try String(contentsOfFile: directory + "/server.pem", encoding: .utf8)
            + String(contentsOfFile: directory + "/server.key", encoding: .utf8)
        try combined.write(toFile: directory + "/server-combined.pem", atomically: true, encoding: .utf8)
    }
}

/// OpenSSH's `sshd` on a loopback port with a host key and one authorized client key, serving
/// repositories by path as the current user.
public final class SSHServer: @unchecked Sendable {
    public let directory: String
    public let port: Int
    /// The client's private key, protected by ``passphrase`` when there is one.
    public let clientKey: String
    public let passphrase: String?
    /// `known_hosts` content that names this server's host key.
    public let knownHostsLine: String
    private var process: ChildProcess?

    public init(passphrase: String? = nil) async throws {
        directory = NSTemporaryDirectory() + "sire-sshd-\(UUID().uuidString)"
        self.passphrase = passphrase
        clientKey = directory + "/client_key"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let keygen = ChildProcess.which("ssh-keygen")
        for (file, secret) in [("host_key", ""), ("client_key", passphrase ?? "")] {
            let made = try await ChildProcess.run(
                keygen, ["-q", "-t", "ed25519", "-N", secret, "-C", file, "-f", directory + "/" + file])
            guard made.status == 0 else { throw ServerStartFailed(description: "ssh-keygen: \(made)") }
        }
        try FileManager.default.copyItem(atPath: directory + "/client_key.pub", toPath: directory + "/authorized_keys")
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let hostKey = try String(contentsOfFile: directory + "/host_key.pub", encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        let directory = self.directory
        let started = try await startListening("sshd", log: directory + "/sshd.out") { port in
            let config = directory + "/sshd-\(port).conf"
            try """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(directory)/host_key
            PidFile \(directory)/sshd.pid
            AuthorizedKeysFile \(directory)/authorized_keys
            StrictModes no
            UsePAM no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin prohibit-password
            LogLevel VERBOSE

            """.write(toFile: config, atomically: true, encoding: .utf8)
            return ["-D", "-e", "-f", config]
        }
        (process, port) = started
        knownHostsLine = "[127.0.0.1]:\(started.1) \(hostKey)\n"
    }

    deinit {
        process?.signal(SIGKILL)
        try? FileManager.default.removeItem(atPath: directory)
    }

    public func stop() async {
        _ = await process?.stop()
        process = nil
    }

    /// `ssh://USER@127.0.0.1:PORT/PATH` for a repository at `path` on this machine.
    public func url(_ path: String) -> String {
        "ssh://\(NSUserName())@127.0.0.1:\(port)\(path)"
    }

    /// What sshd logged (to see why a login was refused).
    public var log: String { (try? String(contentsOfFile: directory + "/sshd.out", encoding: .utf8)) ?? "" }
}
