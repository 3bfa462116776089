/// The mode git records for a tree entry.
public enum FileMode: UInt32, Sendable, Hashable {
    /// A regular file (`100644`).
    case regular = 0o100644
    /// An executable file (`100755`).
    case executable = 0o100755
    /// A symbolic link; the blob holds the target (`120000`).
    case symlink = 0o120000
    /// A directory (`040000`).
    case tree = 0o040000
    /// A submodule commit (`160000`).
    case gitlink = 0o160000
}
