/// The shared secrets that authenticate `POST /v1/hooks/git`: GitHub's HMAC key
/// (`X-Hub-Signature-256`), GitLab's token (`X-Gitlab-Token`), and the key of the generic
/// `X-Sire-Signature: sha256=HEX` HMAC. Never logged.
package struct HookSecrets: Sendable {
    /// The key of GitHub's `X-Hub-Signature-256` HMAC.
    package var github: String?
    /// The token GitLab sends as `X-Gitlab-Token`.
    package var gitlab: String?
    /// The key of the generic `X-Sire-Signature` HMAC.
    package var generic: String?

    /// Secrets per kind; a nil one refuses that kind of hook.
    package init(github: String? = nil, gitlab: String? = nil, generic: String? = nil) {
        self.github = github
        self.gitlab = gitlab
        self.generic = generic
    }

    /// One secret for all three kinds (`--hook-secret` / `SIRE_HOOK_SECRET`).
    package init(all secret: String) {
        self.init(github: secret, gitlab: secret, generic: secret)
    }

    /// True when no secret is configured (unsigned hooks are then taken from loopback clients only).
    package var isEmpty: Bool { github == nil && gitlab == nil && generic == nil }
}
