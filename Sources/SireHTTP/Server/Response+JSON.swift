import Foundation
import HTTPTypes
import Hummingbird
import SireCore

extension Response {
    /// A JSON response (`Value` keeps key order stable: sorted).
    static func json(_ value: Value, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        let text = value.jsonString() + "\n"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A JSON response of an `Encodable` (sorted keys).
    static func json<T: Encodable>(encoding value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(UInt8(ascii: "\n"))
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `{"error":{"code","message"}}` with the error's status and headers.
    static func error(_ error: APIError) -> Response {
        .json(
            .object(["error": .object(["code": .string(error.code), "message": .string(error.message)])]),
            status: error.status, headers: error.headers)
    }
}
