import Testing

@testable import SireMCP

@Suite("Server-Sent-Event parsing")
struct ServerSentEventsTests {
    private func events(_ chunks: [String]) -> [ServerSentEvents.Event] {
        var parser = ServerSentEvents()
        var events = chunks.flatMap { parser.feed(Array($0.utf8)) }
        if let last = parser.finish() { events.append(last) }
        return events
    }

    @Test func eventsSplitAcrossChunksAtAnyByteAreReassembled() {
        let stream = "event: message\ndata: {\"id\":1}\n\n: keep-alive\n\ndata: {\"id\":2}\r\n\r\n"
        let whole = events([stream])
        #expect(whole.map(\.data) == ["{\"id\":1}", "{\"id\":2}"])
        for cut in 1..<stream.utf8.count {
            let bytes = Array(stream.utf8)
            let split = events([
                String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self),
            ])
            #expect(split == whole, "cut at \(cut)")
        }
    }

    @Test func multiLineDataIsJoinedAndTypesAndIDsAreKept() {
        let parsed = events(["id: 7\nevent: ping\ndata: a\ndata:b\n\n", "data: c\r\r"])
        #expect(
            parsed == [
                .init(type: "ping", data: "a\nb", id: "7"),
                .init(type: "message", data: "c", id: "7"),
            ])
    }

    @Test func anEventLeftOpenWhenTheBodyEndsIsDelivered() {
        #expect(events(["data: last"]).map(\.data) == ["last"])
        #expect(events([": only a comment\n"]).isEmpty)
    }
}
