import SireCore
import SireGit

/// How a controller runs (`sire-git controller` options).
package struct ControllerOptions: Sendable {
    /// A local path or a URL.
    package var location: String
    /// The state directory (index, checkouts, mirror).
    package var state: String
    /// The tracked branch; nil = `sire.yaml`'s `branch`, else the default branch.
    package var branch: String?
    /// How often a URL source is fetched.
    package var interval: Duration = .seconds(30)
    /// How often the tracked ref is read (a local ref update is noticed within this).
    package var watchInterval: Duration = .milliseconds(50)
    /// Reconcile the current head once, finish the runs that starts, write the ledger, exit.
    package var once = false
    /// On SIGTERM, how long executing runs may take to finish before they are stopped
    /// (resumable) and the controller exits.
    package var drainGrace: Duration = .seconds(30)
    package var secrets = Secrets()
    /// How steps' processes are kept from the controller's credentials and state.
    package var isolation = StepIsolation.none
    /// Credentials and host verification for a URL source (fetches and ledger pushes).
    package var access = RemoteAccess()
    /// Push the ledger to a URL source's remote after writes.
    package var ledgerPush = true

    package init(location: String, state: String) {
        self.location = location
        self.state = state
    }
}
