import Foundation
import SireController
import SireCore
import SireGit
import SireTestSupport

/// Push to a password-protected smart-HTTP remote (lighttpd + `git http-backend` on
/// 127.0.0.1) → the push-triggered run finished → its record visible on the remote, with the
/// webhook's fetch (``Controller/poke()``) after each push (issue 13: p50 ≤ 300 ms). Pushes are
/// 1.5 s apart: the controller pushes its ledger at most once a second while writes continue.
enum RemoteBench {
    static func run(rounds: Int = 30) async {
        let server: GitHTTPServer
        do {
            server = try await GitHTTPServer()
        } catch {
            print("remote: skipped (\(error); apt-get install lighttpd)")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sire-bench-remote-\(UUID())").path
        let work = dir + "/work", state = dir + "/state"
        try! FileManager.default.createDirectory(atPath: work + "/workflows", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try! Data(
            """
            id: on-data
            on:
              push: { paths: ["data/**"] }
            steps:
              - id: first
                tool: sire:local/log.write
                params: { message: "{{ git.short_sha }}" }

            """.utf8
        ).write(to: URL(fileURLWithPath: work + "/workflows/on-data.yaml"))
        sh("git init -q --initial-branch=main . && git add -A && git commit -qm workflow", in: work)
        sh("git init -q --bare \(server.path("origin")) && git push -q \(server.path("origin")) main", in: work)
        let url = server.url("origin")
        let authenticated = url.replacingOccurrences(
            of: "http://", with: "http://\(server.username):\(server.password)@")

        var options = ControllerOptions(location: url, state: state)
        options.access = RemoteAccess(username: server.username, password: server.password)
        options.interval = .seconds(3600)
        let controller = try! Controller(options: options)
        let task = Task { try await controller.run() }
        while (try? controller.reconciler.reconciledCommit()) == nil { try? await Task.sleep(for: .milliseconds(5)) }
        let remote = try! Repository(path: server.path("origin"))

        var latencies: [Double] = []
        for i in 1...rounds {
            try? await Task.sleep(for: .milliseconds(1500))
            sh("mkdir -p data && echo \(i) > data/n.txt && git add -A && git commit -qm 'data \(i)'", in: work)
            let head = try! Repository(path: work).resolveCommit("HEAD").id
            sh("git push -q \(authenticated) main", in: work)
            let pushed = ContinuousClock.now
            controller.poke()
            while (try? remote.notes(for: head, ref: "refs/notes/sire/runs"))?.isEmpty ?? true {
                try? await Task.sleep(for: .milliseconds(2))
                if ContinuousClock.now - pushed > .seconds(30) { fatalError("no record on the remote for \(head)") }
            }
            latencies.append(milliseconds(ContinuousClock.now - pushed))
        }
        task.cancel()
        _ = try? await task.value
        await server.stop()
        latencies.sort()
        print(
            String(
                format:
                    "push to a smart-HTTP remote → run finished → its record on the remote: p50 %.0f ms, p90 %.0f ms, max %.0f ms (%d pushes 1.5 s apart, webhook fetch)   target p50 ≤ 300 ms",
                percentile(latencies, 0.5), percentile(latencies, 0.9), latencies.last!, latencies.count))
    }
}
