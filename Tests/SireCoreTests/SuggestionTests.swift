import Testing

@testable import SireCore

/// "Did you mean …?" hints in diagnostics.
@Suite("Suggestion")
struct SuggestionTests {
    @Test(arguments: [
        ("kitten", "sitting", 3),
        ("", "abc", 3),
        ("abc", "", 3),
        ("same", "same", 0),
        ("stpes", "steps", 1),
        ("ab", "ba", 1),
        ("abcd", "acbd", 1),
        ("flaw", "lawn", 2),
        ("café", "cafe", 1),
    ])
    func editDistance(a: String, b: String, expected: Int) {
        #expect(Suggestion.editDistance(a, b) == expected)
        #expect(Suggestion.editDistance(b, a) == expected)
    }

    @Test func editDistanceGivesUpPastTheLimit() {
        #expect(Suggestion.editDistance("abcdefgh", "zyxwvuts", limit: 2) == 3)
        #expect(Suggestion.editDistance("a", "abcdefgh", limit: 2) == 3)
        #expect(Suggestion.editDistance("stpes", "steps", limit: 1) == 1)
    }

    @Test(arguments: [
        ("stpes", ["steps", "inputs", "secrets"], "steps"),
        ("timout", ["timeout", "tool"], "timeout"),
        ("Steps", ["steps"], "steps"),
        ("log.writ", ["log.write", "file.write"], "log.write"),
        ("europe/paris", ["Europe/Paris", "Europe/Prague"], "Europe/Paris"),
    ])
    func suggestsTheClosestCandidate(word: String, candidates: [String], expected: String) {
        #expect(Suggestion.closest(to: word, in: candidates) == expected)
    }

    @Test func thresholdGrowsWithTheWord() {
        // Three to five letters allow one edit; six letters allow two.
        #expect(Suggestion.closest(to: "abc", in: ["xbc"]) == "xbc")
        #expect(Suggestion.closest(to: "abc", in: ["xyc"]) == nil)
        #expect(Suggestion.closest(to: "abcdef", in: ["xbcdey"]) == "xbcdey")
        #expect(Suggestion.closest(to: "abcdef", in: ["xycdez"]) == nil)
    }

    @Test func shortWordsGetNoSuggestion() {
        #expect(Suggestion.closest(to: "ab", in: ["abc", "a", "ax"]) == nil)
        #expect(Suggestion.closest(to: "", in: ["a"]) == nil)
    }

    @Test func theWordItselfIsNotSuggested() {
        #expect(Suggestion.closest(to: "steps", in: ["steps"]) == nil)
        #expect(Suggestion.closest(to: "steps", in: ["steps", "step"]) == "step")
    }

    @Test func closerCandidateWinsAndTiesKeepTheFirst() {
        #expect(Suggestion.closest(to: "abcdef", in: ["xycdef", "abcdex"]) == "abcdex")
        #expect(Suggestion.closest(to: "abcd", in: ["abcx", "abcy"]) == "abcx")
    }

    @Test func hintFormat() {
        #expect(Suggestion.hint(for: "stpes", in: ["steps"]) == "; did you mean 'steps'?")
        #expect(Suggestion.hint(for: "zzzzz", in: ["steps"]) == "")
        #expect(Suggestion.hint(for: "stpes", in: []) == "")
    }
}
