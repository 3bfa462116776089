import Foundation

/// The Python HTTP peer in `fixtures/peers/http_peer.py`, started on a free port.
///
/// An independent implementation on the other side of a real socket, so the HTTP and
/// JSON-RPC clients are tested against something they did not write. Stopped in `deinit`.
final class HTTPPeer {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/peers/http_peer.py").path

    struct StartFailed: Error, CustomStringConvertible {
        var description: String
    }

    private let process = Process()
    let port: Int

    init() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // The peer prints its port, then nothing more: read up to the newline.
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw StartFailed(description: "the HTTP peer did not print a port: '\(text)'")
        }
        self.port = port
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }

    /// `http://127.0.0.1:PORT` + `path`.
    func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)\(path)"
    }
}
