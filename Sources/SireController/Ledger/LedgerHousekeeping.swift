import Foundation
import Logging
import SireCore
import SireTools
import Subprocess
import Synchronization

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// Keeps the repository compact off the hot path. Every ledger write is one pack (no loose
/// objects), so packs accumulate; once there are ``packLimit`` of them, `git gc --auto` runs in
/// the background (git itself decides to repack them into one and prune what nothing
/// references). libgit2 cannot prune, so this needs the `git` command; without it the packs
/// stay, and the log says so once.
package final class LedgerHousekeeping: Sendable {
    package let gitDirectory: String
    package let packLimit: Int
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var running: Task<Void, Never>?
        var warned = false
    }

    package init(gitDirectory: String, packLimit: Int = 50, logger: Logger) {
        self.gitDirectory = gitDirectory
        self.packLimit = packLimit
        self.logger = logger
    }

    /// The number of packs in the repository.
    package var packCount: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: gitDirectory + "/objects/pack")) ?? [])
            .filter { $0.hasSuffix(".pack") }.count
    }

    /// After a ledger write: starts a consolidation when the packs reached the limit and none
    /// is running. Returns at once.
    package func afterWrite() {
        guard packCount >= packLimit else { return }
        guard let git = StepIsolation.executable(named: "git") else {
            let warn = state.withLock { state in
                defer { state.warned = true }
                return !state.warned
            }
            if warn { logger.warning("\(packCount) packs in \(gitDirectory) and no git command to consolidate them") }
            return
        }
        state.withLock { state in
            guard state.running == nil else { return }
            state.running = Task.detached { [self] in
                await self.consolidate(git: git)
                self.state.withLock { $0.running = nil }
            }
        }
    }

    /// Before the process exits: waits for a consolidation under way, or runs one now when the
    /// packs reached the limit (a one-shot command leaves no pile behind either).
    package func finish() async {
        if let running = state.withLock({ $0.running }) {
            await running.value
        } else if packCount >= packLimit, let git = StepIsolation.executable(named: "git") {
            await consolidate(git: git)
        }
    }

    /// Runs `git gc --auto --quiet` with a pack limit of ours and waits for it.
    package func consolidate(git: String) async {
        do {
            let result = try await Subprocess.run(
                .path(FilePath(git)),
                arguments: [
                    "--git-dir", gitDirectory, "-c", "gc.autoPackLimit=\(packLimit)", "-c", "gc.autoDetach=false", "gc",
                    "--auto", "--quiet",
                ],
                output: .discarded, error: .string(limit: 16384))
            if case .exited(0) = result.terminationStatus {
                logger.debug("repository consolidated", metadata: ["packs": "\(packCount)"])
            } else {
                logger.warning(
                    "git gc --auto failed (\(result.terminationStatus)): \(result.standardError)")
            }
        } catch {
            logger.warning("cannot run git gc --auto: \(error)")
        }
    }
}
