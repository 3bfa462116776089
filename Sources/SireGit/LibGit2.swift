import CLibGit2

/// The process-wide libgit2 runtime: initialised once, never shut down.
enum LibGit2 {
    // A global `let` is initialised exactly once, thread-safely; this is the only global state.
    private static let initialized: Int32 = git_libgit2_init()

    /// Initialises libgit2 on first use; cheap afterwards.
    static func ensureInitialized() {
        _ = initialized
    }
}

/// Turns a negative libgit2 return into a ``GitError``, reading libgit2's thread-local error
/// immediately, on the failing thread.
///
/// - Returns: `result` unchanged when it is not negative (some calls return 0/1 answers).
@discardableResult
func check(
    _ result: Int32,
    _ function: StaticString,
    subject: @autoclosure () -> String,
    repository: @autoclosure () -> String? = nil
) throws(GitError) -> Int32 {
    guard result < 0 else { return result }
    // On libgit2 1.5 there may be no error record at all: keep the code, leave the text out.
    let last = git_error_last()
    let text = last?.pointee.message.map { String(cString: $0) }
    let klass = last?.pointee.klass ?? 0
    throw GitError(
        code: GitError.Code(libgit2Code: result),
        subject: subject(),
        repository: repository(),
        function: String(describing: function),
        libgit2Code: result,
        libgit2Class: klass,
        libgit2Message: text.map(trimmed))
}

private func trimmed(_ text: String) -> String {
    var text = Substring(text)
    while let last = text.last, last.isWhitespace || last == "." { text.removeLast() }
    return String(text)
}
