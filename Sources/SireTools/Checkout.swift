import Foundation
import SireCore

/// The run's checkout: the only directory file tools may read or write, and where processes start.
///
/// Paths are resolved one component at a time, reading every symlink on the way, so a link
/// anywhere in a path (or a dangling one that a write would create through) cannot lead outside.
struct Checkout {
    /// The checkout's canonical absolute path, symlinks resolved.
    let root: String

    /// A path inside the checkout, resolved.
    struct Resolved {
        /// The path as the user wrote it, tidied (`./a//b` → `a/b`; `.` for the root).
        var display: String
        /// Where it really is, relative to the root, after following symlinks (empty for the root).
        var relative: String
        /// The absolute path to use for I/O.
        var absolute: String
    }

    /// Symlinks followed while resolving one path before giving up, as the kernel's `ELOOP`.
    static let maximumSymlinks = 40

    init(_ path: String, tool: String) throws(ToolError) {
        guard let real = realpath(path, nil) else {
            throw ToolError("\(tool): the checkout '\(path)' is not usable: \(errnoText())")
        }
        defer { free(real) }
        root = String(cString: real)
    }

    /// Resolves `path` (relative to the checkout), refusing absolute paths, `..` escapes and
    /// symlinks that point outside. Components that do not exist yet are allowed (for writes).
    func resolve(_ path: String, tool: String) throws(ToolError) -> Resolved {
        func refuse(_ why: String) -> ToolError {
            ToolError("\(tool): path '\(path)' \(why)")
        }
        if path.hasPrefix("/") {
            throw refuse("is absolute; paths are relative to the checkout")
        }
        if path.contains("\0") {
            throw refuse("contains a NUL character")
        }
        var display: [Substring] = []
        for component in path.split(separator: "/") where component != "." {
            if component == ".." {
                guard !display.isEmpty else { throw refuse("escapes the checkout") }
                display.removeLast()
            } else {
                display.append(component)
            }
        }

        var resolved: [String] = []
        var pending = path.split(separator: "/").map(String.init)[...]
        var exists = true
        var symlinksLeft = Self.maximumSymlinks
        while let component = pending.popFirst() {
            if component == "." { continue }
            if component == ".." {
                guard !resolved.isEmpty else { throw refuse("escapes the checkout") }
                resolved.removeLast()
                continue
            }
            let candidate = join(resolved + [component])
            if exists {
                var info = stat()
                if lstat(candidate, &info) != 0 {
                    guard errno == ENOENT else {
                        throw refuse("cannot be resolved: \(errnoText())")
                    }
                    exists = false
                } else if info.st_mode & S_IFMT == S_IFLNK {
                    symlinksLeft -= 1
                    guard symlinksLeft >= 0 else { throw refuse("has too many levels of symlinks") }
                    let target = try readLink(candidate, refuse)
                    let inner = (resolved + [component]).joined(separator: "/")
                    if target.hasPrefix("/") {
                        guard target == root || target.hasPrefix(root + "/") else {
                            throw refuse(
                                "goes through symlink '\(inner)' pointing outside the checkout")
                        }
                        resolved = []
                        let rest = target.dropFirst(root.count).split(separator: "/").map(
                            String.init)
                        pending = (rest + pending)[...]
                    } else {
                        // Relative targets are read from the link's directory; the `..` check
                        // above catches one that climbs out.
                        let rest = target.split(separator: "/").map(String.init)
                        if countsEscape(rest, depth: resolved.count) {
                            throw refuse(
                                "goes through symlink '\(inner)' pointing outside the checkout")
                        }
                        pending = (rest + pending)[...]
                    }
                    continue
                }
            }
            resolved.append(component)
        }
        return Resolved(
            display: display.isEmpty ? "." : display.joined(separator: "/"),
            relative: resolved.joined(separator: "/"),
            absolute: join(resolved))
    }

    /// The absolute path of components under the root.
    func join(_ components: [String]) -> String {
        components.isEmpty ? root : root + "/" + components.joined(separator: "/")
    }

    /// Whether a relative link target climbs above the root before coming back down, so the
    /// message names the link rather than the path.
    private func countsEscape(_ target: [String], depth: Int) -> Bool {
        var level = depth
        for component in target where component != "." {
            level += component == ".." ? -1 : 1
            if level < 0 { return true }
        }
        return false
    }

    private func readLink(_ path: String, _ refuse: (String) -> ToolError) throws(ToolError)
        -> String
    {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { throw refuse("cannot be resolved: \(errnoText())") }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The current `errno` as text, read at once before anything can overwrite it.
func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}
