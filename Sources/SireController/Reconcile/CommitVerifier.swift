import Foundation
import SireGit
import SireSpec

/// `verify: { mode: head }` in `sire.yaml`: only a head commit signed by an allowed key is
/// deployed. SSH signatures are checked with `ssh-keygen -Y verify` against `allowed_signers`
/// (principal: the committer's email), OpenPGP ones with `gpg --verify` against `keyring`. A
/// repository-relative file is read from the *trusted* commit (the last applied one), so a
/// commit cannot loosen the rule that judges it.
enum CommitVerifier {
    /// Why `commit` may not be deployed under `config`, or nil when it may.
    static func refusal(
        of commit: CommitInfo, config: VerifyConfig, trusted: ObjectID, repository: Repository
    ) -> String? {
        guard config.mode == .head else { return nil }
        let short = commit.id.short
        let signature: (signature: [UInt8], signedData: [UInt8])?
        do {
            signature = try repository.commitSignature(commit.id)
        } catch {
            return "cannot read the signature of \(short): \(error)"
        }
        guard let signature else { return "commit \(short) is not signed (sire.yaml: verify: head)" }
        let armour = String(decoding: signature.signature, as: UTF8.self)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sire-verify-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            try Data(signature.signature).write(to: URL(fileURLWithPath: scratch + "/signature"))
            try Data(signature.signedData).write(to: URL(fileURLWithPath: scratch + "/data"))
            if armour.hasPrefix("-----BEGIN SSH SIGNATURE-----") {
                guard let signers = config.allowedSigners else {
                    return "commit \(short) has an SSH signature but sire.yaml names no verify.allowed_signers"
                }
                let file = try materialize(signers, from: trusted, in: repository, into: scratch + "/allowed_signers")
                let result = run(
                    [
                        "ssh-keygen", "-Y", "verify", "-f", file, "-I", commit.committer.email, "-n", "git", "-s",
                        scratch + "/signature",
                    ], stdin: scratch + "/data", environment: [:])
                return result.status == 0
                    ? nil
                    : "the SSH signature of \(short) is not from an allowed signer for \(commit.committer.email): \(result.output)"
            }
            guard let keyring = config.keyring else {
                return "commit \(short) has an OpenPGP signature but sire.yaml names no verify.keyring"
            }
            let file = try materialize(keyring, from: trusted, in: repository, into: scratch + "/keyring.gpg")
            let home = scratch + "/gnupg"
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            let result = run(
                [
                    "gpg", "--batch", "--no-default-keyring", "--keyring", file, "--verify", scratch + "/signature",
                    scratch + "/data",
                ], stdin: nil, environment: ["GNUPGHOME": home])
            return result.status == 0 ? nil : "the OpenPGP signature of \(short) does not verify: \(result.output)"
        } catch {
            return "cannot verify the signature of \(short): \(error)"
        }
    }

    /// An absolute path as is; a repository-relative one written out from the trusted commit.
    private static func materialize(
        _ path: String, from trusted: ObjectID, in repository: Repository, into destination: String
    ) throws -> String {
        if path.hasPrefix("/") { return path }
        guard let file = try repository.file(at: path, in: trusted) else {
            throw ControllerError(.invalid, "'\(path)' does not exist at \(trusted.short)")
        }
        try Data(try repository.blob(file.blob)).write(to: URL(fileURLWithPath: destination))
        return destination
    }

    private static func run(_ arguments: [String], stdin: String?, environment: [String: String]) -> (
        status: Int32, output: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        if let stdin { process.standardInput = FileHandle(forReadingAtPath: stdin) }
        do {
            try process.run()
        } catch {
            return (127, "cannot run \(arguments[0]): \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return (process.terminationStatus, text.split(separator: "\n").last.map(String.init) ?? "")
    }
}
