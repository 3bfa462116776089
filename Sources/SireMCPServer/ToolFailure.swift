/// Why a tool call failed, in words the caller (often a language model) can act on; sent as
/// an `isError` result, prefixed with the tool's name by ``Toolbox/call(_:arguments:role:progress:)``.
package struct ToolFailure: Error, Sendable {
    /// What went wrong and what to change, in one or two sentences.
    package let message: String

    init(_ message: String) {
        self.message = message
    }
}
