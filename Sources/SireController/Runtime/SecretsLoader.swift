import Foundation
import SireCore
import SireSpec

/// Secrets from `SIRE_SECRET_*` and an optional `--secrets FILE` (mode 0600, `NAME=value` lines
/// or a YAML/JSON mapping).
package enum SecretsLoader {
    package static func load(file: String?, environment: [String: String]) throws -> Secrets {
        let fromEnvironment = Secrets.fromEnvironment(environment)
        guard let file else { return fromEnvironment }
        let data = try privateFile(file, named: "secrets file '\(file)'")
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

/// The content of a file that holds credentials: it must be readable by its owner only.
/// - Throws: `ControllerError` `.usage` naming it (`name`, e.g. `secrets file 'x'`) when it
///   cannot be read or group or others may read it.
package func privateFile(_ path: String, named name: String) throws -> Data {
    var info = stat()
    guard stat(path, &info) == 0 else { throw ControllerError(.usage, "cannot read \(name)") }
    if info.st_mode & 0o077 != 0 {
        throw ControllerError(
            .usage,
            "\(name) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ControllerError(.usage, "cannot read \(name)")
    }
    return data
}
