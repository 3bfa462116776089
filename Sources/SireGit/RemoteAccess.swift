import CLibGit2
import Foundation

/// How sire-git authenticates to a remote and checks that the remote is who it claims to be.
///
/// Credentials come from the controller's side (options, environment, files), never from the
/// repository, and never appear in messages.
public struct RemoteAccess: Sendable, Hashable {
    /// The user for https (default `git`), and for ssh when the URL names none.
    public var username: String
    /// The https password or token.
    public var password: String?
    /// A private key file for ssh; without one the ssh-agent is asked when ``agent`` is set.
    public var sshKey: String?
    /// The key's passphrase.
    public var sshPassphrase: String?
    /// Whether an ssh-agent (`SSH_AUTH_SOCK`) may be asked for keys.
    public var agent: Bool
    /// The OpenSSH `known_hosts` file an ssh server's key must be listed in.
    public var knownHosts: String
    /// Accept any ssh host key. The caller warns at every use.
    public var skipHostKeyCheck: Bool

    public init(
        username: String = "git", password: String? = nil, sshKey: String? = nil, sshPassphrase: String? = nil,
        agent: Bool = false, knownHosts: String = NSHomeDirectory() + "/.ssh/known_hosts",
        skipHostKeyCheck: Bool = false
    ) {
        self.username = username
        self.password = password
        self.sshKey = sshKey
        self.sshPassphrase = sshPassphrase
        self.agent = agent
        self.knownHosts = knownHosts
        self.skipHostKeyCheck = skipHostKeyCheck
    }

    /// The values that must never be shown.
    public var secrets: [String] { [password, sshPassphrase].compactMap { $0 } }

    /// Trusts only the certificates in `file` (PEM) for https, instead of the system's. Applies
    /// to the whole process (libgit2 has one TLS configuration).
    /// - Throws: ``GitError`` when the file cannot be used.
    public static func trustCertificates(in file: String) throws(GitError) {
        LibGit2.ensureInitialized()
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw GitError(
                code: .notFound, subject: "CA file '\(file)'", function: "git_libgit2_opts",
                message: "cannot read the CA file '\(file)'")
        }
        try check("git_libgit2_opts", subject: "CA file '\(file)'") { sire_git_set_ssl_cert_file(file) }
    }
}

/// The state one fetch or push shares with libgit2's callbacks: what to offer, what was
/// offered already, and why the remote was refused. Only touched on the calling thread.
final class RemoteSession {
    let access: RemoteAccess
    let url: String
    /// Credential kinds already offered: a second request for one means it was refused.
    var offered: Set<UInt32> = []
    /// Why sire-git refused the remote or gave up authenticating, for the error.
    var failure: (code: GitError.Code, message: String)?
    /// References the remote refused in a push, with its reason.
    var refused: [(name: String, reason: String)] = []

    init(access: RemoteAccess, url: String) {
        self.access = access
        self.url = url
    }

    /// The port an ssh URL names (22 when it names none).
    var sshPort: Int {
        guard let components = URLComponents(string: url), components.scheme == "ssh" else { return 22 }
        return components.port ?? 22
    }

    func credential(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>?, user fromURL: String?, allowed: UInt32
    ) -> Int32 {
        let user = fromURL.flatMap { $0.isEmpty ? nil : $0 } ?? access.username
        if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
            guard offered.insert(GIT_CREDENTIAL_SSH_KEY.rawValue).inserted else {
                let what = access.sshKey.map { "the key \($0)" } ?? "the ssh-agent's keys"
                return fail(.authentication, "\(url) refused \(what) for user '\(user)'")
            }
            if let key = access.sshKey {
                return git_credential_ssh_key_new(out, user, nil, key, access.sshPassphrase)
            }
            guard access.agent else {
                return fail(
                    .authentication,
                    "\(url) asks for an SSH key: give --ssh-key FILE or run an ssh-agent (SSH_AUTH_SOCK)")
            }
            return git_credential_ssh_key_from_agent(out, user)
        }
        if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 {
            guard let password = access.password else {
                return fail(
                    .authentication,
                    "\(url) asks for a password: set SIRE_GIT_PASSWORD or --git-password-file FILE")
            }
            guard offered.insert(GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue).inserted else {
                return fail(.authentication, "\(url) refused the password for user '\(user)'")
            }
            return git_credential_userpass_plaintext_new(out, user, password)
        }
        if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0,
            offered.insert(GIT_CREDENTIAL_USERNAME.rawValue).inserted
        {
            return git_credential_username_new(out, user)
        }
        return fail(.authentication, "\(url) asks for credentials sire-git cannot give")
    }

    func certificate(_ cert: UnsafeMutablePointer<git_cert>, valid: Bool, host: String) -> Int32 {
        if cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 {
            if access.skipHostKeyCheck { return 0 }
            return cert.withMemoryRebound(to: git_cert_hostkey.self, capacity: 1) { hostkey in
                checkHostKey(hostkey.pointee, host: host)
            }
        }
        // TLS: libgit2 has verified the chain and the name; its own message says why not.
        return valid ? 0 : GIT_PASSTHROUGH.rawValue
    }

    private func checkHostKey(_ hostkey: git_cert_hostkey, host: String) -> Int32 {
        let name = KnownHosts.name(host: host, port: sshPort)
        guard hostkey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostkey.hostkey else {
            return fail(.certificate, "the SSH server \(name) did not show its host key; refusing it")
        }
        let key = Array(UnsafeRawBufferPointer(start: raw, count: hostkey.hostkey_len))
        let offered = "\(KnownHosts.keyType(key)) \(KnownHosts.fingerprint(key))"
        let known: KnownHosts
        do {
            known = try KnownHosts(path: access.knownHosts)
        } catch {
            return fail(.certificate, error.message)
        }
        switch known.verdict(host: host, port: sshPort, key: key) {
        case .known:
            return 0
        case .unknown:
            return fail(
                .certificate,
                "the SSH host key of \(name) is not in \(access.knownHosts): \(offered). "
                    + "If that is the server's key, add it (ssh-keyscan -p \(sshPort) \(host) >> \(access.knownHosts))")
        case .changed(let line, let type, let fingerprint):
            return fail(
                .certificate,
                "the SSH host key of \(name) has CHANGED: the server shows \(offered), but "
                    + "\(access.knownHosts):\(line) has \(type) \(fingerprint). Someone may be intercepting the "
                    + "connection, or the key was replaced; refusing it")
        case .revoked(let line):
            return fail(
                .certificate, "the SSH host key of \(name) (\(offered)) is revoked in \(access.knownHosts):\(line)")
        }
    }

    private func fail(_ code: GitError.Code, _ message: String) -> Int32 {
        failure = (code, message)
        return code == .certificate ? GIT_ECERTIFICATE.rawValue : GIT_EAUTH.rawValue
    }

    /// Fills `callbacks` with the credential and certificate callbacks over this session.
    func install(in callbacks: inout git_remote_callbacks) {
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        callbacks.credentials = { out, _, userFromURL, allowed, payload in
            guard let payload else { return GIT_PASSTHROUGH.rawValue }
            let session = Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue()
            return session.credential(out, user: userFromURL.map { String(cString: $0) }, allowed: allowed)
        }
        callbacks.certificate_check = { cert, valid, host, payload in
            guard let payload, let cert else { return GIT_PASSTHROUGH.rawValue }
            let session = Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue()
            return session.certificate(cert, valid: valid != 0, host: host.map { String(cString: $0) } ?? "")
        }
        callbacks.push_update_reference = { name, status, payload in
            guard let payload, let name else { return 0 }
            let session = Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue()
            if let status { session.refused.append((String(cString: name), String(cString: status))) }
            return 0
        }
    }

    /// `error` as the user should read it: sire-git's own reason when a callback refused.
    func explain(_ error: GitError, operation: String) -> GitError {
        var explained = error
        if let failure {
            explained.code = failure.code
            explained.message = "cannot \(operation): \(failure.message)"
        } else if error.libgit2Class == GIT_ERROR_SSH.rawValue, let detail = error.libgit2Message,
            detail.contains("authenticate")
        {
            explained.code = .authentication
            let key = access.sshKey.map { "the SSH key \($0)" } ?? "the ssh-agent's keys"
            explained.message = "cannot \(operation): \(key) could not be used: \(detail)"
        } else if error.libgit2Class == GIT_ERROR_SSL.rawValue || error.libgit2Code == GIT_ECERTIFICATE.rawValue {
            explained.code = .certificate
            explained.message =
                "cannot \(operation): the TLS certificate of \(URLComponents(string: url)?.host ?? url) is not "
                + "trusted: \(error.libgit2Message ?? "invalid certificate")"
        }
        return explained
    }
}
