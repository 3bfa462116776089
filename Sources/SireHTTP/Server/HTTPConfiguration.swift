import Foundation

/// How the HTTP API listens and whom it lets in (`sire-git controller --listen ADDR`).
package struct HTTPConfiguration: Sendable {
    /// The address to bind (default loopback only).
    package var host: String = "127.0.0.1"
    /// The TCP port; 0 picks a free one (reported through ``onListening``).
    package var port: Int = 7700
    /// The largest request body accepted; larger ones get 413.
    package var bodyLimit: Int = 1 << 20
    /// How long one request may take to be answered (a `?wait=` adds its own duration; event
    /// streams are not limited). Past it the client gets 503 `timeout`.
    package var requestTimeout: Duration = .seconds(30)
    /// How long an idle keep-alive connection is kept open.
    package var idleTimeout: Duration = .seconds(75)
    /// The longest `?wait=` honoured; longer ones are shortened to it.
    package var maxWait: Duration = .seconds(300)
    /// Bearer tokens and their roles; empty = the API is open to loopback clients only.
    package var tokens = APITokens()
    /// Secrets that authenticate `POST /v1/hooks/git`.
    package var hookSecrets = HookSecrets()
    /// The longest an event stream waits between reads of the index while its run is unfinished
    /// (a commit by this process wakes it at once; this bounds the wait for other writers).
    package var eventPollInterval: Duration = .milliseconds(250)
    /// The values of every configured token and hook secret: runs redact them from what they
    /// store, so a step that finds one cannot show it to the API's viewers.
    package var credentials: [String] {
        tokens.values + [hookSecrets.github, hookSecrets.gitlab, hookSecrets.generic].compactMap { $0 }
    }
    /// Called once the server is bound, with the actual port (useful with port 0).
    package var onListening: (@Sendable (_ port: Int) async -> Void)?

    /// The defaults: 127.0.0.1:7700, 1 MiB bodies, 30 s per request, no tokens, no hook secrets.
    package init() {}

    /// The default `--listen` address.
    package static let defaultListen = "127.0.0.1:7700"

    /// Parses `--listen ADDR`: `HOST:PORT`, `[IPv6]:PORT`, `:PORT` (loopback) or `PORT`.
    /// - Throws: `HTTPConfigurationError` naming what is wrong.
    package mutating func listen(_ address: String) throws(HTTPConfigurationError) {
        let text = address.trimmingCharacters(in: .whitespaces)
        var host = "127.0.0.1"
        var portText = text
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw HTTPConfigurationError("--listen \(address): expected [IPV6]:PORT")
            }
            host = String(text[text.index(after: text.startIndex)..<close])
            portText = String(text[text.index(close, offsetBy: 2)...])
        } else if let colon = text.lastIndex(of: ":") {
            let name = String(text[..<colon])
            if !name.isEmpty { host = name == "localhost" ? "127.0.0.1" : name }
            portText = String(text[text.index(after: colon)...])
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw HTTPConfigurationError("--listen \(address): the port must be a number from 0 to 65535")
        }
        self.host = host
        self.port = port
    }

    /// True when ``host`` is a loopback address (only local processes can connect).
    package var isLoopback: Bool {
        host == "127.0.0.1" || host == "::1" || host.hasPrefix("127.") || host == "localhost"
    }
}

/// A configuration value that cannot be used (bad `--listen`, unreadable or unsafe tokens file).
package struct HTTPConfigurationError: Error, CustomStringConvertible, Sendable {
    /// One line a user can act on.
    package var message: String

    /// An error with its message.
    package init(_ message: String) { self.message = message }

    /// The message.
    package var description: String { message }
}
