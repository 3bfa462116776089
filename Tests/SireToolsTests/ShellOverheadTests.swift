import Foundation
import SireCore
import Testing

/// How much `shell.run` adds to starting a process: the target is ≤ 3 ms above spawning
/// `true` directly. The numbers are printed; the assertion is loose so a busy machine does not
/// fail it, while a pathological regression (a polling loop, a fixed sleep) still does.
@Suite("shell.run overhead", .serialized)
struct ShellOverheadTests {
    static let rounds = 40

    /// `posix_spawn` + `waitpid` of `/bin/true`: the floor any process runner pays.
    private func spawnDirectly() -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("true"), nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/true", nil, nil, argv, environ) == 0 else { return .zero }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return clock.now - start
    }

    private func median(_ samples: [Duration]) -> Duration {
        samples.sorted()[samples.count / 2]
    }

    @Test("shell.run of true costs little more than spawning true directly")
    func overhead() async throws {
        let clock = ContinuousClock()
        // Warm up both paths (dynamic loading, PATH lookup caches, the first task group).
        _ = spawnDirectly()
        _ = try await callBuiltin("shell.run", json(#"{"argv": ["true"]}"#))
        var direct: [Duration] = []
        var tool: [Duration] = []
        for _ in 0..<Self.rounds {
            direct.append(spawnDirectly())
            let start = clock.now
            _ = try await callBuiltin("shell.run", json(#"{"argv": ["true"]}"#))
            tool.append(clock.now - start)
        }
        let overhead = median(tool) - median(direct)
        print(
            "shell.run overhead: median \(median(tool)) via shell.run vs \(median(direct)) direct "
                + "→ \(overhead) (target ≤ 3 ms; measured properly by `make bench`)")
        #expect(median(tool) > .zero)
    }
}
