import Foundation

/// The opaque page cursor of `GET /v1/runs`: the last run id of a page, base64url-encoded.
enum RunCursor {
    static func encode(_ runID: String) -> String {
        Data(runID.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String) -> String? {
        var text = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let id = String(data: data, encoding: .utf8), !id.isEmpty,
            id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f })
        else { return nil }
        return id
    }
}
