import CLibGit2

extension ObjectID {
    /// Copies a libgit2 object id.
    init(_ oid: git_oid) {
        // A git_oid is always 20 bytes on libgit2 1.5, so this cannot fail.
        self = withUnsafeBytes(of: oid.id) { ObjectID(bytes: $0)! }
    }

    /// Copies a libgit2 object id from a borrowed pointer.
    init(_ oid: UnsafePointer<git_oid>) {
        self.init(oid.pointee)
    }

    /// The libgit2 form, for passing to C.
    var oid: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        return oid
    }
}
