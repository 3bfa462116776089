import Foundation
import SireCore
import SireSpec

/// Secrets from `SIRE_SECRET_*` and an optional `--secrets FILE` (mode 0600, `NAME=value` lines
/// or a YAML/JSON mapping).
package enum SecretsLoader {
    package static func load(file: String?, environment: [String: String]) throws -> Secrets {
        let fromEnvironment = Secrets.fromEnvironment(environment)
        guard let file else { return fromEnvironment }
        var info = stat()
        guard stat(file, &info) == 0 else { throw ControllerError(.usage, "cannot read secrets file '\(file)'") }
        if info.st_mode & 0o077 != 0 {
            throw ControllerError(
                .usage,
                "secrets file '\(file)' is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); "
                    + "chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ControllerError(.usage, "cannot read secrets file '\(file)'")
        }
        let text = String(decoding: data, as: UTF8.self)
        var values: [String: String] = [:]
        if let parsed = YAMLComposer.compose(text).root?.value, case .object(let object) = parsed {
            for (key, value) in object {
                if case .string(let s) = value { values[key] = s } else { values[key] = value.jsonString() }
            }
        } else {
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let eq = line.firstIndex(of: "=") else { continue }
                values[String(line[..<eq]).trimmingCharacters(in: .whitespaces)] = String(
                    line[line.index(after: eq)...])
            }
        }
        return fromEnvironment.merging(Secrets(values))
    }
}
