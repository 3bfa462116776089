import Foundation

/// The Python HTTP peer in `fixtures/peers/http_peer.py`, started on a free port.
///
/// An independent implementation on the other side of a real socket, so the HTTP and
/// JSON-RPC clients are tested against something they did not write. It exits when `stop()`
/// kills it or when this process ends (it watches its stdin for end of file).
final class HTTPPeer: Sendable {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/peers/http_peer.py").path

    /// One peer for the tests that need nothing of their own: starting Python for every test
    /// would crowd two cores.
    static let shared: HTTPPeer = {
        do {
            return try HTTPPeer()
        } catch {
            fatalError("\(error)")
        }
    }()

    struct StartFailed: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    let pid: Int32
    // Kept open: its end of file tells the peer this process has gone.
    private let stdin: Pipe

    init() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script]
        let output = Pipe()
        stdin = Pipe()
        process.standardOutput = output
        process.standardInput = stdin
        try process.run()
        pid = process.processIdentifier
        // The peer prints its port, then nothing more: read up to the newline.
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(pid, SIGKILL)
            throw StartFailed(description: "the HTTP peer did not print a port: '\(text)'")
        }
        self.port = port
    }

    /// Kills the peer (SIGKILL: a child spawned from here may inherit a mask blocking SIGTERM).
    func stop() {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// `http://127.0.0.1:PORT` + `path`.
    func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)\(path)"
    }
}
