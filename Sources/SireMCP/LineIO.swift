import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Newline-delimited JSON-RPC over file descriptors (MCP's stdio framing), with blocking
/// reads: a message is handed on the moment its line is complete.
package enum LineIO {
    /// Reads `descriptor` until end of file, calling `line` for every non-empty line (a
    /// trailing `\r` removed).
    package static func readLines(from descriptor: Int32, _ line: (Data) -> Void) {
        var pending = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            var start = 0
            for index in 0..<n where buffer[index] == UInt8(ascii: "\n") {
                pending.append(contentsOf: buffer[start..<index])
                if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
                if !pending.isEmpty { line(pending) }
                pending = Data()
                start = index + 1
            }
            pending.append(contentsOf: buffer[start..<n])
        }
        if !pending.isEmpty { line(pending) }
    }

    /// Writes `data` and a newline to `descriptor`, all of it; returns 0, or the `errno` of
    /// the failed write.
    package static func writeLine(_ data: Data, to descriptor: Int32) -> Int32 {
        var bytes = [UInt8](data)
        bytes.append(UInt8(ascii: "\n"))
        return bytes.withUnsafeBytes { buffer -> Int32 in
            var offset = 0
            while offset < buffer.count {
                let n = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return 0
        }
    }
}
