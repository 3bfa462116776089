import Testing

@testable import SireCore

/// Path globs of push triggers.
@Suite("Glob")
struct GlobTests {
    @Test(arguments: [
        // `*` stays inside one segment.
        ("data/*.csv", "data/a.csv", true),
        ("data/*.csv", "data/.csv", true),
        ("data/*.csv", "data/sub/a.csv", false),
        ("data/*.csv", "data/a.csv.bak", false),
        ("*", "README.md", true),
        ("*", "docs/README.md", false),
        ("*.yaml", "workflows/a.yaml", false),
        ("a*b*c", "aXXbYYc", true),
        ("a*b*c", "aXXbYY", false),
        // `**` spans any number of segments, including none.
        ("data/**", "data/a.csv", true),
        ("data/**", "data/x/y/z.csv", true),
        ("data/**", "database/a.csv", false),
        ("data/**", "other/data/a.csv", false),
        ("**/x.csv", "x.csv", true),
        ("**/x.csv", "a/b/c/x.csv", true),
        ("**/x.csv", "a/b/c/y.csv", false),
        ("data/**/x.csv", "data/x.csv", true),
        ("data/**/x.csv", "data/a/b/x.csv", true),
        ("data/**/x.csv", "data/a/b/x.csvx", false),
        ("**", "anything/at/all", true),
        ("**/*.md", "docs/guide/intro.md", true),
        ("**/*.md", "intro.md", true),
        // `?` is exactly one character, never `/`.
        ("a?.txt", "ab.txt", true),
        ("a?.txt", "a.txt", false),
        ("a?.txt", "abc.txt", false),
        ("a?b", "a/b", false),
        ("é?.txt", "éü.txt", true),
        // Character classes, ranges and negation.
        ("[abc].txt", "b.txt", true),
        ("[abc].txt", "d.txt", false),
        ("log[0-9].txt", "log7.txt", true),
        ("log[0-9].txt", "logx.txt", false),
        ("[a-cx-z]", "y", true),
        ("[a-cx-z]", "m", false),
        ("[!a].txt", "b.txt", true),
        ("[!a].txt", "a.txt", false),
        ("[^a].txt", "a.txt", false),
        ("[!a-c]x", "dx", true),
        ("[!a-c]x", "bx", false),
        ("[ab]", "", false),
        // Literal text must match exactly, whole path.
        ("src/main.swift", "src/main.swift", true),
        ("src/main.swift", "src/main.swift/extra", false),
        ("src/main.swift", "src/Main.swift", false),
        ("src", "src/main.swift", false),
    ])
    func matching(pattern: String, path: String, expected: Bool) throws {
        let glob = try #require(Glob(pattern))
        #expect(glob.matches(path) == expected, "\(pattern) vs \(path)")
        #expect(glob.description == pattern)
    }

    @Test func trailingDoubleStarMatchesOnlyInsideTheDirectory() throws {
        // As in git's pathspecs, `data/**` means everything inside `data/`; a change to a file
        // named `data` at the root is not a change under it.
        let glob = try #require(Glob("data/**"))
        #expect(!glob.matches("data"))

    }

    @Test(arguments: [
        ("", "empty"),
        ("/data/**", "leading '/'"),
        ("data/[abc", "unterminated"),
        ("data/[a[b]]", "inside a character class"),
        ("data/**x", "whole path segment"),
        ("a**/b", "whole path segment"),
    ])
    func problems(pattern: String, fragment: String) throws {
        let problem = try #require(Glob.problem(pattern))
        #expect(problem.contains(fragment), "\(problem)")
        #expect(Glob(pattern) == nil)
    }

    @Test(arguments: ["data/**", "**", "a/**/b", "*.csv", "[a-z]?", "x]y", "data/file name.txt"])
    func acceptedPatterns(pattern: String) {
        #expect(Glob.problem(pattern) == nil)
        #expect(Glob(pattern) != nil)
    }

    @Test func hostilePatternsAnswer() throws {
        // Patterns come from workflow files and are matched against every pushed path, so a
        // pattern must not be able to stall the controller. These inputs take a backtracking
        // matcher longer than the age of the universe; a linear one answers at once, so this
        // test finishing at all is the check (no timing assertion).
        let stars = try #require(Glob(String(repeating: "*a", count: 40) + "b"))
        let name = String(repeating: "a", count: 400)
        let deep = try #require(Glob(Array(repeating: "**", count: 20).joined(separator: "/") + "/z"))
        let path = Array(repeating: "d", count: 300).joined(separator: "/")
        #expect(!stars.matches(name))
        #expect(!deep.matches(path))
        #expect(stars.matches(name + "b"))
        #expect(deep.matches(path + "/z"))
    }
}
