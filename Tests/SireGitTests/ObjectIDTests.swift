import Foundation
import SireTestSupport
import Testing

@testable import SireGit

@Suite("Object ids")
struct ObjectIDTests {
    @Test("hex round-trips, lowercased, with a 7-character short form")
    func hexRoundTrip() throws {
        let id = try #require(ObjectID("0123456789ABCDEF0123456789abcdef01234567"))

        #expect(id.description == "0123456789abcdef0123456789abcdef01234567")
        #expect(id.short == "0123456")
        #expect(ObjectID(id.description) == id)
        #expect(ObjectID(bytes: id.bytes) == id)
        #expect(id.bytes.first == 0x01 && id.bytes.last == 0x67)
    }

    @Test(
        "anything but 40 hex digits is rejected",
        arguments: [
            "", "0123456", "0123456789abcdef0123456789abcdef0123456",
            "0123456789abcdef0123456789abcdef012345678",
            "g123456789abcdef0123456789abcdef01234567", "0123456789abcdef0123456789abcdef0123456 ",
        ])
    func rejectsBadHex(text: String) {
        #expect(ObjectID(text) == nil)
    }

    @Test("ordering matches the hex strings")
    func ordering() throws {
        let hexes = [
            "ffffffffffffffffffffffffffffffffffffffff", "0000000000000000000000000000000000000001",
            "00000000000000000000000000000000000000ff", "0000000000000000ff00000000000000000000ff",
            "8000000000000000000000000000000000000000", "0000000000000000000000000000000000000000",
        ]
        let ids = try hexes.map { try #require(ObjectID($0)) }

        #expect(ids.sorted().map(\.description) == hexes.sorted())
        #expect(ids.contains(.zero) && ObjectID.zero.isZero)
    }

    @Test("encodes as its hex string in JSON")
    func codable() throws {
        let id = try #require(ObjectID("89abcdef0123456789abcdef0123456789abcdef"))

        let json = try JSONEncoder().encode([id])

        #expect(
            String(decoding: json, as: UTF8.self)
                == "[\"89abcdef0123456789abcdef0123456789abcdef\"]")
        #expect(try JSONDecoder().decode([ObjectID].self, from: json) == [id])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([ObjectID].self, from: Data("[\"nope\"]".utf8))
        }
    }
}
