import SireCore

/// Reads `sire.yaml`, reporting problems against it.
enum ConfigDecoder {
    static let keys = ["workflows", "branch", "allow_empty", "servers", "verify"]

    static func decode(_ root: YAMLNode, decoder: NodeDecoder) -> RepoConfig {
        var config = RepoConfig()
        if case .null = root.value { return config }
        guard let f = decoder.fields(root, "sire.yaml", allowed: keys) else { return config }
        if let w = f["workflows"], let dirs = decoder.stringList(w, "workflows") {
            var out: [String] = []
            for (dir, node) in dirs {
                var clean = dir
                while clean.hasSuffix("/") { clean.removeLast() }
                if clean.hasPrefix("./") { clean.removeFirst(2) }
                if clean.hasPrefix("/") || clean.split(separator: "/").contains("..") {
                    decoder.report(
                        Rule.invalidValue, node, "workflow directory '\(dir)' must stay inside the repository")
                    continue
                }
                out.append(clean == "." ? "" : clean)
            }
            if out.isEmpty, dirs.isEmpty { decoder.report(Rule.invalidValue, w, "workflows lists no directory") }
            config.workflowDirectories = out
        }
        if let b = f["branch"] { config.branch = decoder.string(b, "branch") }
        if let a = f["allow_empty"], let value = decoder.bool(a, "allow_empty") { config.allowEmpty = value }
        if let s = f["servers"], let entries = decoder.mapping(s, "servers", allowed: nil) {
            for entry in entries {
                if !WorkflowDecoder.isValidStepID(entry.key) {
                    decoder.report(
                        Rule.invalidID, entry.keyNode,
                        "server name '\(entry.key)' must contain only letters, digits, '_' and '-'")
                }
                if let server = decodeServer(entry.value, name: entry.key, decoder: decoder) {
                    config.servers[entry.key] = server
                }
            }
        }
        if let v = f["verify"], let vf = decoder.fields(v, "verify", allowed: ["mode", "allowed_signers", "keyring"]) {
            if let m = vf["mode"], let mode = decoder.choice(m, "verify.mode", VerifyConfig.Mode.self) {
                config.verify.mode = mode
            }
            if let a = vf["allowed_signers"] {
                config.verify.allowedSigners = decoder.string(a, "verify.allowed_signers")
            }
            if let k = vf["keyring"] { config.verify.keyring = decoder.string(k, "verify.keyring") }
            if config.verify.mode == .head, config.verify.allowedSigners == nil, config.verify.keyring == nil {
                decoder.report(
                    Rule.missingKey, v, "verify mode 'head' needs 'allowed_signers' (ssh) or 'keyring' (gpg)")
            }
        }
        return config
    }

    private static func decodeServer(_ node: YAMLNode, name: String, decoder: NodeDecoder) -> MCPServerConfig? {
        guard let entries = decoder.mapping(node, "server '\(name)'", allowed: ["command", "env", "url", "headers"])
        else { return nil }
        var f: [String: YAMLNode] = [:]
        var keys: [String: YAMLNode] = [:]
        for entry in entries {
            f[entry.key] = entry.value
            keys[entry.key] = entry.keyNode
        }
        switch (f["command"], f["url"]) {
        case (let c?, nil):
            if let h = keys["headers"] {
                decoder.report(Rule.unknownKey, h, "headers apply to url servers, not to command servers")
            }
            guard let items = decoder.stringList(c, "command of server '\(name)'"), !items.isEmpty else {
                decoder.report(Rule.invalidValue, c, "command of server '\(name)' is empty")
                return nil
            }
            var env: [String: String] = [:]
            if let e = f["env"], let entries = decoder.mapping(e, "env of server '\(name)'", allowed: nil) {
                for entry in entries {
                    if let value = decoder.string(entry.value, "env \(entry.key)") { env[entry.key] = value }
                }
            }
            return .stdio(command: items.map(\.0), env: env)
        case (nil, let u?):
            if let e = keys["env"] {
                decoder.report(Rule.unknownKey, e, "env applies to command servers, not to url servers")
            }
            guard let url = decoder.string(u, "url of server '\(name)'") else { return nil }
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                decoder.report(Rule.invalidValue, u, "url of server '\(name)' must start with http:// or https://")
                return nil
            }
            var headers: [String: Template] = [:]
            if let h = f["headers"], let entries = decoder.mapping(h, "headers of server '\(name)'", allowed: nil) {
                for entry in entries {
                    guard let text = decoder.string(entry.value, "header \(entry.key)"),
                        let template = decoder.template(entry.value, text: text, "header \(entry.key)")
                    else { continue }
                    headers[entry.key] = template
                }
            }
            return .http(url: url, headers: headers)
        case (nil, nil):
            decoder.report(Rule.missingKey, node, "server '\(name)' needs 'command' (stdio) or 'url' (HTTP)")
            return nil
        case (_?, _?):
            decoder.report(Rule.invalidValue, node, "server '\(name)' has both 'command' and 'url': choose one")
            return nil
        }
    }
}
