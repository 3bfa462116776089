import SireCore
import Testing

@Suite("data.transform")
struct DataTransformTests {
    private func transform(_ params: String) async throws(ToolError) -> Value? {
        try await callBuiltin("data.transform", json(params))["result"]
    }

    @Test("map evaluates the expression with item and index")
    func map() async throws {
        let result = try await transform(
            #"{"data": [{"v": 1}, {"v": 5}], "operation": "map", "expression": "item.v * 2 + index"}"#
        )
        #expect(result == json("[2, 11]"))
    }

    @Test("filter keeps items whose expression is truthy")
    func filter() async throws {
        let result = try await transform(
            #"{"data": [{"n": "a", "tags": []}, {"n": "b", "tags": ["x"]}], "operation": "filter", "expression": "item.tags"}"#
        )
        #expect(result == json(#"[{"n": "b", "tags": ["x"]}]"#))
    }

    @Test("reduce folds with acc, item and index; initial defaults to null")
    func reduce() async throws {
        let sum = try await transform(
            #"{"data": [1, 2, 3], "operation": "reduce", "expression": "acc + item", "initial": 10}"#
        )
        #expect(sum == .int(16))
        let first = try await transform(
            #"{"data": ["a", "b"], "operation": "reduce", "expression": "acc == null ? item : acc"}"#
        )
        #expect(first == .string("a"))
    }

    @Test("sort is stable, by number or string, ascending or descending")
    func sort() async throws {
        let data =
            #"[{"n": "c", "p": 2}, {"n": "a", "p": 1}, {"n": "b", "p": 2}, {"n": "d", "p": 1.5}]"#
        let ascending = try await transform(
            #"{"data": \#(data), "operation": "sort", "by": "item.p"}"#)
        #expect(
            ascending
                == json(
                    #"[{"n": "a", "p": 1}, {"n": "d", "p": 1.5}, {"n": "c", "p": 2}, {"n": "b", "p": 2}]"#
                ))
        let descending = try await transform(
            #"{"data": \#(data), "operation": "sort", "by": "item.p", "descending": true}"#)
        #expect(
            descending
                == json(
                    #"[{"n": "c", "p": 2}, {"n": "b", "p": 2}, {"n": "d", "p": 1.5}, {"n": "a", "p": 1}]"#
                ))
        let strings = try await transform(
            #"{"data": ["pear", "apple", "fig"], "operation": "sort"}"#)
        #expect(strings == json(#"["apple", "fig", "pear"]"#))
    }

    @Test("sort refuses keys it cannot order")
    func sortErrors() async throws {
        let mixed = try #require(
            await expectFailure("data.transform", json(#"{"data": [1, "a"], "operation": "sort"}"#))
        )
        #expect(mixed.message.contains("mix numbers and strings"))
        let objects = try #require(
            await expectFailure("data.transform", json(#"{"data": [{}], "operation": "sort"}"#)))
        #expect(objects.message.contains("object"))
    }

    @Test("pick keeps fields from each object, or from one object")
    func pick() async throws {
        let list = try await transform(
            #"{"data": [{"a": 1, "b": 2, "c": 3}, {"a": 4}], "operation": "pick", "fields": ["a", "c"]}"#
        )
        #expect(list == json(#"[{"a": 1, "c": 3}, {"a": 4}]"#))
        let one = try await transform(
            #"{"data": {"id": 7, "secret": "x"}, "operation": "pick", "fields": ["id"]}"#)
        #expect(one == json(#"{"id": 7}"#))
    }

    @Test("group makes an object of lists keyed by the stringified key, in input order")
    func group() async throws {
        let result = try await transform(
            #"{"data": [{"k": 1, "v": "a"}, {"k": "1", "v": "b"}, {"k": true, "v": "c"}, {"k": 1, "v": "d"}], "operation": "group", "by": "item.k"}"#
        )
        #expect(
            result
                == json(
                    #"{"1": [{"k": 1, "v": "a"}, {"k": "1", "v": "b"}, {"k": 1, "v": "d"}], "true": [{"k": true, "v": "c"}]}"#
                ))
    }

    @Test(
        "mistakes are permanent failures with a precise message",
        arguments: [
            (#"{"data": [1], "operation": "map", "expression": "item +"}"#, "expression 'item +'"),
            (
                #"{"data": [1], "operation": "map", "expression": "item.x.y"}"#,
                "expression 'item.x.y'"
            ),
            (#"{"data": [1], "operation": "mapp", "expression": "item"}"#, "did you mean 'map'?"),
            (#"{"data": [1], "operation": "map"}"#, "missing required parameter 'expression'"),
            (
                #"{"data": [1], "operation": "sort", "expression": "item"}"#,
                "'expression' is not used by operation 'sort'"
            ),
            (
                #"{"data": {"a": 1}, "operation": "map", "expression": "item"}"#,
                "'data' must be an array"
            ),
            (#"{"data": [1], "operation": "pick", "fields": ["a"]}"#, "pick needs objects"),
        ])
    func mistakes(params: String, expected: String) async throws {
        let error = try #require(await expectFailure("data.transform", json(params)))
        #expect(error.message.contains(expected), "\(error.message)")
        #expect(!error.transient)
    }
}
