extension HTTPConfiguration {
    /// The configuration `sire-git controller` builds from its options and environment:
    /// `--listen ADDR`, `--tokens FILE` plus `SIRE_API_TOKENS` (`role:token,...`), and the hook
    /// secrets `SIRE_HOOK_SECRET` (every kind) overridden per kind by `SIRE_HOOK_SECRET_GITHUB`,
    /// `SIRE_HOOK_SECRET_GITLAB` and `SIRE_HOOK_SECRET_GENERIC`. Secrets come from the environment
    /// (or files), never from arguments, which other users can read in the process list.
    /// - Throws: `HTTPConfigurationError` for a bad address, token file or token list.
    package static func make(
        listen: String = defaultListen, tokensFile: String? = nil, environment: [String: String]
    ) throws(HTTPConfigurationError) -> HTTPConfiguration {
        var configuration = HTTPConfiguration()
        try configuration.listen(listen)
        if let tokensFile { try configuration.tokens.add(file: tokensFile) }
        if let text = environment["SIRE_API_TOKENS"], !text.isEmpty { try configuration.tokens.add(environment: text) }
        func secret(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let all = secret("SIRE_HOOK_SECRET")
        configuration.hookSecrets = HookSecrets(
            github: secret("SIRE_HOOK_SECRET_GITHUB") ?? all, gitlab: secret("SIRE_HOOK_SECRET_GITLAB") ?? all,
            generic: secret("SIRE_HOOK_SECRET_GENERIC") ?? all)
        return configuration
    }
}
