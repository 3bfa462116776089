import Foundation
import SireCore

extension StepIsolation {
    /// The path of executable `name` on the controller's `PATH`, or nil.
    public static func executable(named name: String) -> String? {
        ProcessRun.search(name, in: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
    }

    /// Starts `true` the way steps are started; nil when that works, else what went wrong
    /// (bubblewrap cannot make namespaces here, setpriv is refused…).
    public func probe() async -> String? {
        guard let truePath = Self.executable(named: "true") else { return "no 'true' on PATH" }
        let stderr = OutputCapture(stream: "stderr", level: "warning", limit: 4096, log: ToolLog { _ in })
        let process = ProcessRun(
            executable: truePath, arguments: [], environment: ["PATH": "/usr/bin:/bin"], directory: "/",
            standardInput: nil, timeout: .seconds(10), grace: .seconds(1),
            stdout: OutputCapture(stream: "stdout", level: "info", limit: 4096, log: ToolLog { _ in }),
            stderr: stderr, isolation: self, writable: [])
        do {
            let outcome = try await process.run()
            if outcome.ending == .exited(0) { return nil }
            let said = stderr.text.trimmingCharacters(in: .whitespacesAndNewlines)
            return "\(outcome.ending)" + (said.isEmpty ? "" : ": \(said)")
        } catch {
            return error.message
        }
    }
}
