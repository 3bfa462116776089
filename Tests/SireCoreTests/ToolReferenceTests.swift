import Testing

@testable import SireCore

/// Tool URIs: every scheme of SPEC §4, and where a malformed one goes wrong.
@Suite("Tool reference")
struct ToolReferenceTests {
    @Test(arguments: [
        ("sire:local/http.request", ToolReference.local("http.request")),
        ("sire:local/my_service.do-it", .local("my_service.do-it")),
        ("mcp://notes/append", .mcpServer(name: "notes", tool: "append")),
        ("mcp://my-server_2/tool.with.dots", .mcpServer(name: "my-server_2", tool: "tool.with.dots")),
        ("mcp:https://mcp.example.com/mcp#search", .mcpURL(url: "https://mcp.example.com/mcp", tool: "search")),
        ("mcp:http://127.0.0.1:8080/mcp#a", .mcpURL(url: "http://127.0.0.1:8080/mcp", tool: "a")),
        // The last `#` separates the tool, so a URL may carry its own fragment.
        ("mcp:https://x.example/p#frag#tool", .mcpURL(url: "https://x.example/p#frag", tool: "tool")),
        ("jsonrpc:http://127.0.0.1:9000/rpc#sum", .jsonRPC(url: "http://127.0.0.1:9000/rpc", method: "sum")),
        (
            "jsonrpc:https://rpc.example.com/v1?key=1#math.add",
            .jsonRPC(url: "https://rpc.example.com/v1?key=1", method: "math.add")
        ),
    ])
    func parsesEveryScheme(text: String, expected: ToolReference) throws {
        let parsed = try ToolReference.parse(text)
        #expect(parsed == expected)
        #expect(parsed.description == text, "description is the URI as written")
    }

    @Test(arguments: [
        ("", 0, "empty"),
        ("http://example.com#x", 0, "unknown tool scheme"),
        ("local/http.request", 0, "unknown tool scheme"),
        ("sire:remote/http.request", 5, "namespace"),
        ("sire:local/http", 11, "SERVICE.METHOD"),
        ("sire:local/http.", 11, "SERVICE.METHOD"),
        ("sire:local/.request", 11, "SERVICE.METHOD"),
        ("sire:local/a.b.c", 11, "SERVICE.METHOD"),
        ("sire:local/http request.x", 11, "SERVICE.METHOD"),
        ("mcp://notes", 6, "mcp://SERVER/TOOL"),
        ("mcp:///append", 6, "server name"),
        ("mcp://no tes/append", 6, "server name"),
        ("mcp://nötes/append", 6, "server name"),
        ("mcp://notes/", 12, "tool name"),
        ("mcp://notes/a/b", 12, "tool name"),
        ("mcp://ñ/", 6, "server name"),
        ("mcp:https://x.example/mcp", 25, "URL#TOOL"),
        ("mcp:ftp://x.example#t", 4, "http:// or https://"),
        ("mcp:https://#t", 4, "no host"),
        ("mcp:http://#t", 4, "no host"),
        ("mcp:https://x.example#", 22, "empty"),
        ("jsonrpc:https://x.example/rpc", 29, "URL#METHOD"),
        ("jsonrpc:x.example#m", 8, "http:// or https://"),
        ("jsonrpc:https://x.example#", 26, "method"),
    ])
    func malformedURIsSayWhere(text: String, offset: Int, fragment: String) {
        do {
            let parsed = try ToolReference.parse(text)
            Issue.record("'\(text)' parsed as \(parsed)")
        } catch {
            #expect(error.offset == offset, "\(text): \(error.message)")
            #expect(error.message.contains(fragment), "\(text): \(error.message)")
            #expect(error.description == "\(error.message) (column \(offset + 1))")
            #expect((0...text.unicodeScalars.count).contains(error.offset))
        }
    }

    @Test func offsetsCountUnicodeScalars() {
        // `é` is one column in the file, so the offset of the tool part counts it once.
        do {
            _ = try ToolReference.parse("mcp://é/x")
            Issue.record("a non-ASCII server name should be refused")
        } catch {
            #expect(error.offset == 6)
        }
        do {
            _ = try ToolReference.parse("mcp:https://é.example")
            Issue.record("a URL without '#' should be refused")
        } catch {
            #expect(error.offset == "mcp:https://é.example".unicodeScalars.count)
        }
    }

    @Test func builtinNamesAreNotCheckedByTheParser() throws {
        // The validator reports unknown built-ins with a suggestion; the parser only checks shape.
        #expect(try ToolReference.parse("sire:local/nope.nope") == .local("nope.nope"))
        #expect(!ToolReference.builtins.contains("nope.nope"))
        #expect(ToolReference.builtins.contains("shell.run"))
    }
}
