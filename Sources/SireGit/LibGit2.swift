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

/// Runs one libgit2 call and turns a negative return into a ``GitError``, reading libgit2's
/// thread-local error on the same thread, right after the call.
///
/// The error slot is cleared first: a call that fails without setting a message must not
/// inherit an earlier, unrelated one.
///
/// - Parameter allowed: a negative code that is an answer rather than a failure (such as
///   `GIT_ENOTFOUND` or `GIT_ITEROVER`), returned instead of thrown.
/// - Returns: the call's result when it is not a failure (some calls answer 0 or 1).
@discardableResult
func check(
    _ function: StaticString,
    subject: @autoclosure () -> String,
    repository: @autoclosure () -> String? = nil,
    allowing allowed: git_error_code? = nil,
    _ call: () -> Int32
) throws(GitError) -> Int32 {
    git_error_clear()
    let result = call()
    guard result < 0, result != allowed?.rawValue else { return result }
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
