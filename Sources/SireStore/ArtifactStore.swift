import Crypto
import Foundation

/// Content-addressed files for step outputs too large to keep inline (over 64 KiB).
///
/// A file is written to a temporary name, fsynced and renamed into `ab/cdef…` before any row
/// refers to it, so a crash never leaves a row pointing at a missing or partial file. Files are
/// readable by their owner only, like the index.
public struct ArtifactStore: Sendable {
    public let directory: String

    /// Outputs up to this size stay in the index row.
    public static let inlineLimit = 64 * 1024

    public init(directory: String) {
        self.directory = directory
    }

    /// The hex SHA-256 of `bytes`.
    public static func digest(_ bytes: some DataProtocol) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    func path(of digest: String) -> String {
        "\(directory)/\(digest.prefix(2))/\(digest.dropFirst(2))"
    }

    /// Stores `bytes` durably and returns their digest. Storing the same content again is free.
    public func put(_ bytes: [UInt8]) throws -> String {
        let digest = Self.digest(bytes)
        let final = path(of: digest)
        if FileManager.default.fileExists(atPath: final) { return digest }
        let folder = (final as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = "\(final).tmp-\(UUID().uuidString)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw StoreError(.write, "cannot create artifact \(temporary): errno \(errno)") }
        var written = 0
        let ok = bytes.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n <= 0 { return false }
                written += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok, rename(temporary, final) == 0 else {
            unlink(temporary)
            throw StoreError(.write, "cannot write artifact \(digest) in \(directory) (disk full?)")
        }
        return digest
    }

    /// The content stored under `digest`.
    public func get(_ digest: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path(of: digest)) else {
            throw StoreError(.notFound, "artifact \(digest) is missing from \(directory)")
        }
        return [UInt8](data)
    }
}
