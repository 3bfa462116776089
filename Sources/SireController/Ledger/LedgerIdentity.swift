import SireGit

/// Who authors the ledger's notes commits.
///
/// The repository's git identity (`user.name` and `user.email`, both set, from any config
/// level) when there is one, as `git notes add` would use: a record written by someone's
/// `sire-git run` is then attributable to them. Otherwise — a controller on a server usually
/// has no identity configured — `sire-git <sire-git@localhost>`. The records themselves say
/// which controller process ran each run, so this is only the commit's signature.
package enum LedgerIdentity {
    /// The identity used when git has none configured.
    package static let fallback = (name: "sire-git", email: "sire-git@localhost")

    /// The author for notes commits written in `repository`.
    package static func author(for repository: Repository) -> (name: String, email: String) {
        guard let name = try? repository.configString("user.name"), !name.isEmpty,
            let email = try? repository.configString("user.email"), !email.isEmpty
        else { return fallback }
        return (name, email)
    }
}
