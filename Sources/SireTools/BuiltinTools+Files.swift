import Foundation
import SireCore

extension BuiltinTools {
    /// Largest file `file.read` returns, so one step cannot pull a huge blob into memory.
    static let maximumReadSize = 16 * 1024 * 1024
    /// Most files `file.list` returns before failing rather than producing an enormous output.
    static let maximumListedFiles = 100_000

    /// `file.read {path, encoding?: utf8|base64}` → `{path, content, size}`.
    func readFile(_ call: ToolCall) throws(ToolError) -> Value {
        let tool = "file.read"
        let params = try ToolParameters(call.params, tool: tool, allowed: ["path", "encoding"])
        let path = try params.requiredString("path")
        let encoding = try params.string("encoding") ?? "utf8"
        guard encoding == "utf8" || encoding == "base64" else {
            throw params.error("encoding", "must be 'utf8' or 'base64', not '\(encoding)'")
        }
        let file = try Checkout(call.checkout, tool: tool).resolve(path, tool: tool)
        var info = stat()
        guard stat(file.absolute, &info) == 0 else {
            throw ToolError("\(tool): cannot read '\(file.display)': \(errnoText())")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ToolError("\(tool): '\(file.display)' is not a regular file")
        }
        guard Int(info.st_size) <= Self.maximumReadSize else {
            throw ToolError(
                "\(tool): '\(file.display)' is \(info.st_size) bytes, more than the "
                    + "\(Self.maximumReadSize / 1024 / 1024) MiB limit")
        }
        guard let data = FileManager.default.contents(atPath: file.absolute) else {
            throw ToolError("\(tool): cannot read '\(file.display)': \(errnoText())")
        }
        let content: String
        if encoding == "base64" {
            content = data.base64EncodedString()
        } else {
            guard let text = String(validating: data, as: UTF8.self) else {
                throw ToolError(
                    "\(tool): '\(file.display)' is not valid UTF-8; read it with encoding: base64")
            }
            content = text
        }
        return .object([
            "path": .string(file.display), "content": .string(content), "size": .int(data.count),
        ])
    }

    /// `file.write {path, content, append?: false, mode?: "0644"}` → `{path, size}`, creating
    /// parent directories. `size` is the file's size afterwards.
    func writeFile(_ call: ToolCall) throws(ToolError) -> Value {
        let tool = "file.write"
        let params = try ToolParameters(
            call.params, tool: tool, allowed: ["path", "content", "append", "mode"])
        let path = try params.requiredString("path")
        let content = try params.requiredString("content")
        let append = try params.bool("append") ?? false
        let mode = try params.string("mode").map { (text) throws(ToolError) -> mode_t in
            guard !text.isEmpty, text.count <= 5, let bits = mode_t(text, radix: 8), bits <= 0o7777
            else {
                throw params.error(
                    "mode", "must be octal permissions such as \"0644\", not '\(text)'")
            }
            return bits
        }
        let file = try Checkout(call.checkout, tool: tool).resolve(path, tool: tool)
        guard !file.relative.isEmpty else {
            throw ToolError("\(tool): path '\(path)' is the checkout itself, not a file")
        }
        let parent = String(file.absolute[..<file.absolute.lastIndex(of: "/")!])
        do {
            try FileManager.default.createDirectory(
                atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw ToolError(
                "\(tool): cannot create the directories for '\(file.display)': \(error.localizedDescription)"
            )
        }
        // O_NOFOLLOW: the last component was checked not to be a symlink; refuse one swapped in since.
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (append ? O_APPEND : O_TRUNC)
        let created = access(file.absolute, F_OK) != 0
        let descriptor = open(file.absolute, flags, mode ?? 0o644)
        guard descriptor >= 0 else {
            throw ToolError("\(tool): cannot write '\(file.display)': \(errnoText())")
        }
        defer { close(descriptor) }
        if let mode, fchmod(descriptor, mode) != 0 {
            throw ToolError("\(tool): cannot set mode of '\(file.display)': \(errnoText())")
        } else if mode == nil, created, fchmod(descriptor, 0o644) != 0 {
            throw ToolError("\(tool): cannot set mode of '\(file.display)': \(errnoText())")
        }
        var bytes = Array(content.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw ToolError("\(tool): cannot write '\(file.display)': \(errnoText())")
            }
            bytes = bytes.dropFirst(written)
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw ToolError("\(tool): cannot stat '\(file.display)': \(errnoText())")
        }
        return .object(["path": .string(file.display), "size": .int(Int(info.st_size))])
    }

    /// `file.list {path?: ".", recursive?: false, pattern?: glob}` → `{files, count}`: regular
    /// files only, as paths relative to the checkout, sorted. `pattern` is matched against the
    /// path relative to `path`. Symlinks are listed only when they lead to a file inside the
    /// checkout; symlinked directories are not descended into (no cycles, no escapes).
    func listFiles(_ call: ToolCall) throws(ToolError) -> Value {
        let tool = "file.list"
        let params = try ToolParameters(
            call.params, tool: tool, allowed: ["path", "recursive", "pattern"])
        let path = try params.string("path") ?? "."
        let recursive = try params.bool("recursive") ?? false
        let glob = try params.string("pattern").map { (text) throws(ToolError) -> Glob in
            guard let glob = Glob(text) else {
                throw params.error(
                    "pattern", "is not a valid glob: \(Glob.problem(text) ?? "invalid")")
            }
            return glob
        }
        let checkout = try Checkout(call.checkout, tool: tool)
        let directory = try checkout.resolve(path, tool: tool)
        var info = stat()
        guard stat(directory.absolute, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw ToolError("\(tool): '\(directory.display)' is not a directory")
        }

        var files: [String] = []
        // (path relative to `directory`, absolute path) of directories still to read.
        var queue: [(String, String)] = [("", directory.absolute)]
        while let (prefix, absolute) = queue.popLast() {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: absolute)
            } catch {
                throw ToolError(
                    "\(tool): cannot list '\(prefix.isEmpty ? directory.display : prefix)'")
            }
            for name in names where name != ".git" {
                let inner = prefix.isEmpty ? name : prefix + "/" + name
                let entry = absolute + "/" + name
                guard lstat(entry, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    if recursive { queue.append((inner, entry)) }
                    continue
                case S_IFREG:
                    break
                case S_IFLNK:
                    let relative = String(entry.dropFirst(checkout.root.count + 1))
                    guard let target = try? checkout.resolve(relative, tool: tool),
                        stat(target.absolute, &info) == 0, info.st_mode & S_IFMT == S_IFREG
                    else { continue }
                default:
                    continue
                }
                if let glob, !glob.matches(inner) { continue }
                files.append(directory.relative.isEmpty ? inner : directory.relative + "/" + inner)
                if files.count > Self.maximumListedFiles {
                    throw ToolError(
                        "\(tool): more than \(Self.maximumListedFiles) files under "
                            + "'\(directory.display)'; narrow it with path or pattern")
                }
            }
        }
        files.sort()
        return .object(["files": .array(files.map(Value.string)), "count": .int(files.count)])
    }
}
