import ArgumentParser
import Foundation
import SireController
import SireGit

/// How sire-git reaches a private remote: the controller's URL source, `notes fetch|push|sync`
/// and `status --fetch`. Secrets come from the environment or files, never from arguments
/// (which every user sees in the process list) and never from the repository.
struct RemoteOptions: ParsableArguments {
    @Option(help: "The https user name (the password or token comes from SIRE_GIT_PASSWORD or --git-password-file).")
    var gitUsername: String = "git"

    @Option(help: "A file (mode 0600) holding the https password or token.")
    var gitPasswordFile: String?

    @Option(help: "Trust only the CA certificates in this PEM file for https (a private CA).")
    var caFile: String?

    @Option(help: "The private key for ssh (passphrase from SIRE_SSH_KEY_PASSPHRASE); default: the ssh-agent.")
    var sshKey: String?

    @Option(
        help: "The OpenSSH known_hosts file ssh servers' host keys are checked against (default ~/.ssh/known_hosts).")
    var knownHosts: String?

    @Flag(help: "Accept any ssh host key (logged as a warning at every fetch). Only for testing.")
    var insecureSkipHostKeyCheck = false

    /// The access these options describe. Trusts `--ca-file` for the whole process.
    /// - Throws: `CLIError.usage` for an unreadable or world-readable password file, a missing
    ///   key or CA file.
    func access() throws -> RemoteAccess {
        let environment = LaunchEnvironment.variables
        var access = RemoteAccess(username: gitUsername)
        if let gitPasswordFile {
            access.password = try Self.secretFile(gitPasswordFile, option: "--git-password-file")
        } else if let password = environment["SIRE_GIT_PASSWORD"], !password.isEmpty {
            access.password = password
        }
        if let sshKey {
            guard FileManager.default.isReadableFile(atPath: sshKey) else {
                throw CLIError.usage("--ssh-key \(sshKey): cannot read the key")
            }
            access.sshKey = StateLocation.absolute(sshKey)
        }
        access.sshPassphrase = environment["SIRE_SSH_KEY_PASSPHRASE"].flatMap { $0.isEmpty ? nil : $0 }
        access.agent = environment["SSH_AUTH_SOCK"].map { !$0.isEmpty } ?? false
        let home = environment["HOME"] ?? NSHomeDirectory()
        access.knownHosts = knownHosts.map(StateLocation.absolute) ?? home + "/.ssh/known_hosts"
        access.skipHostKeyCheck = insecureSkipHostKeyCheck
        if let caFile {
            do {
                try RemoteAccess.trustCertificates(in: StateLocation.absolute(caFile))
            } catch {
                throw CLIError.usage("--ca-file \(caFile): \(error)")
            }
        }
        return access
    }

    /// Files a step must not read (hidden by the sandbox): the password file, the key, and the
    /// ssh-agent's socket (a step that reached it could use the controller's keys).
    var secretFiles: [String] {
        var files = [gitPasswordFile, sshKey].compactMap { $0 }.map(StateLocation.absolute)
        if sshKey == nil, let socket = LaunchEnvironment.variables["SSH_AUTH_SOCK"], !socket.isEmpty {
            files.append(socket)
        }
        return files
    }

    /// The content of a mode-0600 file, without its final newline.
    static func secretFile(_ path: String, option: String) throws -> String {
        var text: String
        do {
            text = String(decoding: try privateFile(path, named: "\(option) \(path)"), as: UTF8.self)
        } catch {
            throw CLIError.usage("\(error)")
        }
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        guard !text.isEmpty else { throw CLIError.usage("\(option) \(path) is empty") }
        return text
    }
}
