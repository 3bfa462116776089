/// What a caller of the API (a bearer token; MCP tools over HTTP) may do: viewers read, operators also trigger, cancel and rerun, admins
/// may do everything.
package enum APIRole: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Reads workflows, runs, events and commit status.
    case viewer
    /// Also triggers, cancels and reruns runs.
    case `operator`
    /// Everything.
    case admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .operator: 1
        case .admin: 2
        }
    }

    /// Orders roles by what they may do.
    package static func < (lhs: APIRole, rhs: APIRole) -> Bool { lhs.rank < rhs.rank }
}
