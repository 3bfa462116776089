import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The process's environment, with sire-git's credentials moved out of the kernel's copy.
///
/// Linux keeps a process's initial environment in its memory and shows it to every process of
/// the same user in `/proc/PID/environ`; `unsetenv` does not change that copy. A workflow step
/// reading `/proc/$PPID/environ` would find `SIRE_API_TOKENS`, the hook secrets, the git
/// credentials and every `SIRE_SECRET_*` (also those its workflow does not name). So before anything else,
/// ``start()`` writes those variables into a pipe and re-executes the same binary (same pid)
/// with an environment without them and the pipe's read end in `SIRE_GIT_CREDENTIALS_FD`; the
/// new image reads them back and closes it.
/// Commands read variables through ``variables``, never through `ProcessInfo` directly.
public enum LaunchEnvironment {
    /// Variables holding credentials: kept out of the process's environment block.
    static func isCredential(_ name: String) -> Bool {
        name == "SIRE_API_TOKENS" || name.hasPrefix("SIRE_HOOK_SECRET") || name.hasPrefix("SIRE_SECRET_")
            || name == "SIRE_GIT_PASSWORD" || name == "SIRE_SSH_KEY_PASSPHRASE"
    }

    static let descriptorVariable = "SIRE_GIT_CREDENTIALS_FD"

    private static let handedOver = Mutex<[String: String]>([:])

    /// The environment as the user set it: the process's variables plus the credentials
    /// ``start()`` took out of them.
    public static var variables: [String: String] {
        var variables = ProcessInfo.processInfo.environment
        variables.removeValue(forKey: descriptorVariable)
        variables.merge(handedOver.withLock { $0 }) { _, handed in handed }
        return variables
    }

    /// Run first thing in `main`: takes back credentials handed over by the previous image, or
    /// hands them over and re-executes when the environment holds any. If re-executing is
    /// impossible the process goes on with its environment as it was, and says so.
    public static func start() {
        let environment = ProcessInfo.processInfo.environment
        if let text = environment[descriptorVariable] {
            unsetenv(descriptorVariable)
            if let descriptor = Int32(text) { takeBack(from: descriptor) }
            return
        }
        let credentials = environment.filter { isCredential($0.key) }
        guard !credentials.isEmpty else { return }
        if let problem = handOver(credentials, keeping: environment.filter { !isCredential($0.key) }) {
            FileHandle.standardError.write(
                Data("sire-git: warning: credentials stay visible in /proc/\(getpid())/environ: \(problem)\n".utf8))
        }
    }

    private static func takeBack(from descriptor: Int32) {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            data.append(contentsOf: buffer[..<count])
        }
        close(descriptor)
        var values: [String: String] = [:]
        for entry in data.split(separator: 0) {
            guard let equals = entry.firstIndex(of: UInt8(ascii: "=")) else { continue }
            values[String(decoding: entry[..<equals], as: UTF8.self)] = String(
                decoding: entry[(equals + 1)...], as: UTF8.self)
        }
        handedOver.withLock { $0 = values }
    }

    /// Writes `credentials` to a pipe and execs this binary again without them; returns only
    /// on failure, with the reason.
    private static func handOver(_ credentials: [String: String], keeping others: [String: String]) -> String? {
        var bytes = [UInt8]()
        for (name, value) in credentials {
            bytes += Array("\(name)=\(value)".utf8) + [0]
        }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return "pipe: \(String(cString: strerror(errno)))" }
        let (descriptor, writer) = (ends[0], ends[1])
        // All of it must fit in the pipe before the exec: nobody reads until then.
        _ = fcntl(writer, 1031, Int32(max(bytes.count, 65536)))  // F_SETPIPE_SZ (not exported by Glibc)
        _ = fcntl(writer, F_SETFL, O_NONBLOCK)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                close(descriptor)
                close(writer)
                return
                    "the credentials (\(bytes.count) bytes) do not fit in a pipe: \(String(cString: strerror(errno)))"
            }
            written += count
        }
        close(writer)
        var environment = others
        environment[descriptorVariable] = String(descriptor)
        let arguments = CommandLine.arguments
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        execve("/proc/self/exe", argv, envp)
        let reason = "cannot re-execute /proc/self/exe: \(String(cString: strerror(errno)))"
        for pointer in argv + envp { free(pointer) }
        close(descriptor)
        return reason
    }
}
