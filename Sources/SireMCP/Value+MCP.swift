import Foundation
import MCP
import SireCore

extension SireCore.Value {
    /// The same JSON value in the SDK's representation, for `tools/call` arguments.
    package var mcpValue: MCP.Value {
        switch self {
        case .null: .null
        case .bool(let b): .bool(b)
        case .int(let i): .int(i)
        case .double(let d): .double(d)
        case .string(let s): .string(s)
        case .array(let items): .array(items.map(\.mcpValue))
        case .object(let fields): .object(fields.mapValues(\.mcpValue))
        }
    }

    /// A value the SDK decoded from a server's result. Binary data becomes the data URL the
    /// SDK would have put on the wire.
    package init(_ value: MCP.Value) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .data(let mimeType, let data):
            self = .string("data:\(mimeType ?? "application/octet-stream");base64,\(data.base64EncodedString())")
        case .array(let items): self = .array(items.map(SireCore.Value.init))
        case .object(let fields): self = .object(fields.mapValues(SireCore.Value.init))
        }
    }
}
