/// What a bearer token may do: viewers read, operators also trigger, cancel and rerun, admins
/// may do everything.
package enum APIRole: String, Sendable, Hashable, CaseIterable, Comparable {
    case viewer
    case `operator`
    case admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .operator: 1
        case .admin: 2
        }
    }

    package static func < (lhs: APIRole, rhs: APIRole) -> Bool { lhs.rank < rhs.rank }
}
