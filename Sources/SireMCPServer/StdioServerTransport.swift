import Foundation
import Logging
import MCP
import SireMCP

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
/// thread blocks on stdin, so a request is handled the moment its line arrives; end of input
/// ends the message stream.
actor StdioServerTransport: Transport {
    nonisolated let logger: Logger
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var output: Int32 = -1

    init(logger: Logger) {
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
        Thread.detachNewThread {
            LineIO.readLines(from: input) { line in continuation.yield(line) }
            close(input)
            continuation.finish()
        }
    }

    func disconnect() async {
        continuation.finish()
    }

    func send(_ data: Data) async throws {
        guard output >= 0 else { throw MCPError.connectionClosed }
        let failure = LineIO.writeLine(data, to: output)
        if failure != 0 {
            logger.warning("cannot write to the client: \(String(cString: strerror(failure)))")
            throw MCPError.connectionClosed
        }
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, any Error> {
        messages
    }
}
