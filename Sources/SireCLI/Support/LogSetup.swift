import Foundation
import Logging
import SireCore
import Synchronization

/// Logging for long-running commands: text or one JSON object a line on standard error, at
/// `--log-level`. Bootstrapped once per process.
enum LogSetup {
    private static let done = Mutex(false)

    static func bootstrap(_ options: GlobalOptions) -> Logger {
        let level = Logger.Level(rawValue: options.logLevel.lowercased()) ?? .info
        let format = options.logFormat
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        if first {
            LoggingSystem.bootstrap { label in
                var handler: any LogHandler =
                    format == .json
                    ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        var logger = Logger(label: "sire.controller")
        logger.logLevel = level
        return logger
    }
}

/// One JSON object a line: `time`, `level`, `label`, `message`, then the metadata keys
/// (`workflow.id`, `run.id`, `git.sha`, ...).
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: Value] = [
            "time": .string(RFC3339.format(Date(), in: .utc, milliseconds: true)),
            "level": .string(event.level.rawValue), "label": .string(label),
            "message": .string(event.message.description),
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new }) {
            object[key] = .string(value.description)
        }
        FileHandle.standardError.write(Data((Value.object(object).jsonString() + "\n").utf8))
    }
}
