import CLibGit2
import Foundation

extension Repository {
    /// Writes the tree of a commit into `directory` (created if missing), as a run's checkout:
    /// regular and executable files and symlinks, from the object database only. The
    /// repository's work tree and index are never touched. Submodules are skipped.
    ///
    /// - Returns: how many files were written.
    /// - Throws: ``GitError`` when the commit or an object is missing, or a file cannot be
    ///   written (`other`, with the path).
    @discardableResult
    public func materialize(_ commit: ObjectID, into directory: String) throws(GitError) -> Int {
        let files = try files(in: commit, under: [""])
        let fm = FileManager.default
        var created = Set<String>()
        // Entry names are checked as the tree is read (``TreeEntryName``); a symlink written
        // here is never written through either, whatever the tree holds.
        var links = Set<String>()
        for file in files {
            let target = directory + "/" + file.path
            let parent = (target as NSString).deletingLastPathComponent
            var ancestor = file.path
            while let slash = ancestor.lastIndex(of: "/") {
                ancestor = String(ancestor[..<slash])
                if links.contains(ancestor) {
                    throw GitError(
                        code: .unsafePath, subject: "tree entry '\(file.path)'", repository: displayPath,
                        function: "materialize",
                        message: "the tree holds an entry no checkout may write: '\(file.path)' lies under the "
                            + "symbolic link '\(ancestor)'")
                }
            }
            do {
                if !created.contains(parent) {
                    try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
                    created.insert(parent)
                }
                let bytes = try blob(file.blob)
                switch file.mode {
                case .symlink:
                    try? fm.removeItem(atPath: target)
                    try fm.createSymbolicLink(
                        atPath: target, withDestinationPath: String(decoding: bytes, as: UTF8.self))
                    links.insert(file.path)
                case .executable, .regular:
                    guard
                        fm.createFile(
                            atPath: target, contents: Data(bytes),
                            attributes: [
                                .posixPermissions: file.mode == .executable ? 0o755 : 0o644
                            ])
                    else {
                        throw CocoaError(.fileWriteUnknown)
                    }
                default:
                    continue
                }
            } catch let error as GitError {
                throw error
            } catch {
                throw GitError(
                    code: .other, subject: "checkout file '\(file.path)' into \(directory)", repository: displayPath,
                    function: "materialize", libgit2Code: 0, libgit2Class: 0, libgit2Message: "\(error)")
            }
        }
        return files.count
    }
}
