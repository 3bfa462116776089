/// An incremental parser for a `text/event-stream` body (the WHATWG EventSource format):
/// feed it bytes as they arrive, get back each complete event's `data`.
struct ServerSentEvents {
    /// One dispatched event.
    struct Event: Equatable {
        var type: String
        var data: String
        var id: String?
    }

    private var line: [UInt8] = []
    private var data: [String] = []
    private var type = ""
    private var id: String?
    private var sawCarriageReturn = false

    /// Parses `bytes` and returns the events they complete.
    mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [Event] where Bytes.Element == UInt8 {
        var events: [Event] = []
        for byte in bytes {
            // A line ends at CR, LF or CRLF.
            if byte == UInt8(ascii: "\n"), sawCarriageReturn {
                sawCarriageReturn = false
                continue
            }
            sawCarriageReturn = byte == UInt8(ascii: "\r")
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if let event = endLine() { events.append(event) }
            } else {
                line.append(byte)
            }
        }
        return events
    }

    /// Dispatches an event left unterminated when the body ended.
    mutating func finish() -> Event? {
        if !line.isEmpty { _ = endLine() }
        return endLine()
    }

    private mutating func endLine() -> Event? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            guard !data.isEmpty else {
                type = ""
                return nil
            }
            let event = Event(type: type.isEmpty ? "message" : type, data: data.joined(separator: "\n"), id: id)
            data.removeAll()
            type = ""
            return event
        }
        if line.first == UInt8(ascii: ":") { return nil }
        let text = String(decoding: line, as: UTF8.self)
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = Substring(text)
            value = ""
        }
        switch field {
        case "data": data.append(String(value))
        case "event": type = String(value)
        case "id": id = String(value)
        default: break
        }
        return nil
    }
}
