import Foundation
import NIOCore

/// Why the HTTP listener could not start, in words, from the error binding its socket threw.
package enum ListenFailure {
    /// `address already in use` for EADDRINUSE and the like; nil when `error` is not a failed
    /// socket call (then it is not the listener's).
    package static func reason(_ error: any Error) -> String? {
        guard let failure = error as? IOError else { return nil }
        switch failure.errnoCode {
        case EADDRINUSE: return "the address is already in use (another process listens there)"
        case EADDRNOTAVAIL: return "this machine has no such address"
        case EACCES: return "permission denied (ports below 1024 need privileges)"
        default: return String(cString: strerror(failure.errnoCode))
        }
    }
}
