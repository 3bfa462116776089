import Foundation
import SireController
import SireCore
import SireGit

/// Push to a password-protected smart-HTTP remote (lighttpd + `git http-backend` on
/// 127.0.0.1) → the push-triggered run finished → its record visible on the remote, with the
/// webhook's fetch (``Controller/poke()``) after each push (issue 13: p50 ≤ 300 ms). Pushes are
/// 1.5 s apart: the controller pushes its ledger at most once a second while writes continue.
enum RemoteBench {
    static func run(rounds: Int = 30) async {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/lighttpd") else {
            print("remote: skipped (lighttpd is not installed: apt-get install lighttpd)")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sire-bench-remote-\(UUID())").path
        let root = dir + "/srv", work = dir + "/work", state = dir + "/state"
        try! FileManager.default.createDirectory(atPath: work + "/workflows", withIntermediateDirectories: true)
        try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let password = "bench-\(UUID().uuidString.prefix(8))"
        try! "alice:\(password)\n".write(toFile: dir + "/users", atomically: true, encoding: .utf8)
        let port = 20000 + Int.random(in: 0..<20000)
        try! """
        server.modules = ("mod_alias", "mod_auth", "mod_authn_file", "mod_setenv", "mod_cgi")
        server.document-root = "\(root)"
        server.bind = "127.0.0.1"
        server.port = \(port)
        server.errorlog = "\(dir)/error.log"
        alias.url = ( "/git" => "/usr/lib/git-core/git-http-backend" )
        $HTTP["url"] =~ "^/git" {
          cgi.assign = ( "" => "" )
          setenv.add-environment = ( "GIT_PROJECT_ROOT" => "\(root)", "GIT_HTTP_EXPORT_ALL" => "1" )
        }
        auth.backend = "plain"
        auth.backend.plain.userfile = "\(dir)/users"
        auth.require = ( "/git" => ( "method" => "basic", "realm" => "git", "require" => "valid-user" ) )

        """.write(toFile: dir + "/lighttpd.conf", atomically: true, encoding: .utf8)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/sbin/lighttpd")
        server.arguments = ["-D", "-f", dir + "/lighttpd.conf"]
        try! server.run()
        defer { server.terminate() }

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
        sh("git init -q --bare \(root)/origin.git && git push -q \(root)/origin.git main", in: work)
        let url = "http://127.0.0.1:\(port)/git/origin.git"
        let authenticated = "http://alice:\(password)@127.0.0.1:\(port)/git/origin.git"
        // The server may take a moment to listen.
        for _ in 0..<100 {
            if (try? Repository(path: work).fetch(remote: url, refspecs: [], access: access(password))) != nil { break }
            try? await Task.sleep(for: .milliseconds(50))
        }

        var options = ControllerOptions(location: url, state: state)
        options.access = access(password)
        options.interval = .seconds(3600)
        let controller = try! Controller(options: options)
        let task = Task { try await controller.run() }
        while (try? controller.reconciler.reconciledCommit()) == nil { try? await Task.sleep(for: .milliseconds(5)) }
        let remote = try! Repository(path: root + "/origin.git")

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
        latencies.sort()
        print(
            String(
                format:
                    "push to a smart-HTTP remote → run finished → its record on the remote: p50 %.0f ms, p90 %.0f ms, max %.0f ms (%d pushes 1.5 s apart, webhook fetch)   target p50 ≤ 300 ms",
                percentile(latencies, 0.5), percentile(latencies, 0.9), latencies.last!, latencies.count))
    }

    static func access(_ password: String) -> RemoteAccess {
        RemoteAccess(username: "alice", password: password)
    }
}
