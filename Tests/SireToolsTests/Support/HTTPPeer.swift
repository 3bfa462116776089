import Foundation
import SireTestSupport

/// The Python HTTP peer in `fixtures/peers/http_peer.py`, started on a free port.
///
/// An independent implementation on the other side of a real socket, so the HTTP and
/// JSON-RPC clients are tested against something they did not write. It exits when `stop()`
/// kills it or when this process ends (it watches its stdin for end of file).
final class HTTPPeer: Sendable {
    /// One peer for the tests that need nothing of their own: starting Python for every test
    /// would crowd two cores.
    static var shared: HTTPPeer {
        get async throws { try await SharedPeer.instance.get() }
    }

    private actor SharedPeer {
        static let instance = SharedPeer()
        private var peer: Task<HTTPPeer, any Error>?

        func get() async throws -> HTTPPeer {
            if let peer { return try await peer.value }
            let started = Task { try await HTTPPeer() }
            peer = started
            return try await started.value
        }
    }

    private let peer: PeerProcess
    var port: Int { peer.port }

    init() async throws {
        peer = try await PeerProcess(script: "http_peer.py")
    }

    /// Kills the peer.
    func stop() async {
        await peer.stop()
    }

    /// `http://127.0.0.1:PORT` + `path`.
    func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)\(path)"
    }
}
