import Foundation
import Logging
import MCP
import SireMCP
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The server side of MCP's stdio transport: JSON-RPC messages one a line on this process's
/// stdin and stdout.
///
/// On ``connect()`` it takes private duplicates of descriptors 0 and 1 and points 0 at
/// `/dev/null` and 1 at stderr, so nothing else in the process (a stray print, a step's child
/// process) can read the client's messages or write into the protocol stream. A dedicated
/// thread blocks on stdin, so a request is handled the moment its line arrives. End of input
/// ends the message stream once every request read has been answered (or `linger` has passed),
/// so a client that sends its requests and closes stdin still gets its answers.
actor StdioServerTransport: Transport {
    nonisolated let logger: Logger
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var output: Int32 = -1
    private let inFlight = InFlight()
    private let linger: Duration

    init(linger: Duration, logger: Logger) {
        self.linger = linger
        self.logger = logger
        (messages, continuation) = AsyncThrowingStream.makeStream()
    }

    func connect() async throws {
        guard output < 0 else { return }
        signal(SIGPIPE, SIG_IGN)
        let input = fcntl(0, F_DUPFD_CLOEXEC, 0)
        output = fcntl(1, F_DUPFD_CLOEXEC, 0)
        guard input >= 0, output >= 0 else {
            throw MCPError.internalError("cannot take over stdin and stdout: \(String(cString: strerror(errno)))")
        }
        let null = open("/dev/null", O_RDONLY)
        if null >= 0 {
            dup2(null, 0)
            close(null)
        }
        dup2(2, 1)
        let continuation = self.continuation
        let inFlight = self.inFlight
        let linger = self.linger
        Thread.detachNewThread {
            LineIO.readLines(from: input) { line in
                inFlight.received(line)
                continuation.yield(line)
            }
            close(input)
            if inFlight.inputEnded() {
                continuation.finish()
            } else {
                Task {
                    try? await Task.sleep(for: linger)
                    continuation.finish()
                }
            }
        }
    }

    func disconnect() async {
        continuation.finish()
    }

    func send(_ data: Data) async throws {
        guard output >= 0 else { throw MCPError.connectionClosed }
        let failure = LineIO.writeLine(data, to: output)
        if inFlight.sent(data) { continuation.finish() }
        if failure != 0 {
            logger.warning("cannot write to the client: \(String(cString: strerror(failure)))")
            throw MCPError.connectionClosed
        }
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, any Error> {
        messages
    }
}

/// The requests read but not yet answered, and whether input has ended: the message stream
/// ends when both hold.
private final class InFlight: Sendable {
    private struct State {
        var pending: Set<String> = []
        var ended = false
    }

    private let state = Mutex(State())

    /// Notes a request (a message with a `method` and an `id`).
    func received(_ line: Data) {
        guard let (id, isRequest) = Self.identify(line), isRequest else { return }
        state.withLock { _ = $0.pending.insert(id) }
    }

    /// Notes an answer; true when it was the last one awaited after input ended.
    func sent(_ message: Data) -> Bool {
        guard let (id, isRequest) = Self.identify(message), !isRequest else { return false }
        return state.withLock { state in
            state.pending.remove(id)
            return state.ended && state.pending.isEmpty
        }
    }

    /// Notes the end of input; true when nothing is awaited.
    func inputEnded() -> Bool {
        state.withLock { state in
            state.ended = true
            return state.pending.isEmpty
        }
    }

    /// The message's id (as JSON text) and whether it is a request; nil without an id.
    private static func identify(_ data: Data) -> (String, Bool)? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let id = object["id"], !(id is NSNull)
        else { return nil }
        return ("\(id)", object["method"] != nil)
    }
}
