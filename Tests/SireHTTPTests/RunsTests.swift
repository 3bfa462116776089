import AsyncHTTPClient
import Foundation
import SireController
import SireCore
import SireTestSupport
import Testing

@testable import SireHTTP

@Suite("Runs, workflows and commit status")
struct RunsTests {
    @Test("runs are listed newest first, page by page through an opaque cursor, each exactly once")
    func pagination() async throws {
        let api = try await APIFixture(files: ["workflows/greet.yaml": Workflows.greet])
        var created: [String] = []
        for index in 0..<5 {
            let reply = try await api.request(
                .POST, "/v1/workflows/greet/runs?wait=10s", body: #"{"inputs":{"name":"n\#(index)"}}"#)
            created.append(try #require(reply.string("id")))
        }
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let reply = try await api.request(.GET, "/v1/runs?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
            #expect(reply.status == 200)
            guard case .object(let root)? = reply.json, case .array(let runs)? = root["runs"] else {
                Issue.record("bad page \(reply.text)")
                return
            }
            seen += runs.compactMap { run in
                if case .object(let o) = run, case .string(let id)? = o["id"] { return id }
                return nil
            }
            cursor = reply.string("next_cursor")
            pages += 1
        } while cursor != nil && pages < 10
        #expect(pages == 3)
        #expect(seen == created.reversed())
        let badCursor = try await api.request(.GET, "/v1/runs?cursor=%%%")
        #expect(badCursor.status == 400)
        let badLimit = try await api.request(.GET, "/v1/runs?limit=0")
        #expect(badLimit.status == 400)
        await api.stop()
    }

    @Test("runs filter by workflow, status and commit")
    func filters() async throws {
        let api = try await APIFixture(files: [
            "workflows/greet.yaml": Workflows.greet, "workflows/slow.yaml": Workflows.slow,
        ])
        _ = try await api.request(.POST, "/v1/workflows/greet/runs?wait=10s", body: #"{"inputs":{"name":"a"}}"#)
        let slow = try await api.request(.POST, "/v1/workflows/slow/runs")
        let slowID = try #require(slow.string("id"))
        let sha = try await api.git.git("rev-parse HEAD")
        func ids(_ query: String) async throws -> [String] {
            let reply = try await api.request(.GET, "/v1/runs?\(query)")
            guard case .object(let root)? = reply.json, case .array(let runs)? = root["runs"] else { return [] }
            return runs.compactMap {
                if case .object(let o) = $0, case .string(let id)? = o["workflow"] { id } else { nil }
            }
        }
        #expect(try await ids("workflow=greet") == ["greet"])
        #expect(try await ids("status=succeeded") == ["greet"])
        #expect(try await ids("commit=\(sha.prefix(8))").count == 2)
        #expect(try await ids("commit=0000000").isEmpty)
        let badStatus = try await api.request(.GET, "/v1/runs?status=great")
        #expect(badStatus.status == 400)
        _ = try await api.request(.POST, "/v1/runs/\(slowID)/cancel")
        await api.stop()
    }

    @Test("a run's detail has its steps; unknown runs are 404")
    func detail() async throws {
        let api = try await APIFixture(files: ["workflows/slow.yaml": Workflows.slow])
        let done = try await api.request(.POST, "/v1/workflows/slow/runs?wait=10s")
        let id = try #require(done.string("id"))
        let reply = try await api.request(.GET, "/v1/runs/\(id)")
        #expect(reply.status == 200)
        guard case .object(let root)? = reply.json, case .object(let steps)? = root["steps"],
            case .object(let shout)? = steps["shout"], case .object(let output)? = shout["output"]
        else {
            Issue.record("no steps in \(reply.text)")
            return
        }
        #expect(Set(steps.keys) == ["first", "nap", "shout", "nap2"])
        #expect(shout["status"] == .string("succeeded"))
        if case .int(let ms)? = shout["duration_ms"] { #expect(ms >= 0) } else { Issue.record("no duration") }
        #expect(output["stdout"].map { $0.stringified.contains("from-shell") } == true)
        let missing = try await api.request(.GET, "/v1/runs/20990101-000000-zzzzzz")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
        await api.stop()
    }

    @Test("cancel stops a running run (202) and refuses a finished one (409); rerun starts a new run")
    func cancelAndRerun() async throws {
        let api = try await APIFixture(files: ["workflows/slow.yaml": Workflows.slow])
        let started = try await api.request(.POST, "/v1/workflows/slow/runs")
        let id = try #require(started.string("id"))
        let cancel = try await api.request(.POST, "/v1/runs/\(id)/cancel")
        #expect(cancel.status == 202)
        let final = try await api.controller.waitForRun(id, timeout: .seconds(10))
        #expect(final.status == .cancelled)
        let again = try await api.request(.POST, "/v1/runs/\(id)/cancel")
        #expect(again.status == 409)
        let unknown = try await api.request(.POST, "/v1/runs/nope/cancel")
        #expect(unknown.status == 404)

        let rerun = try await api.request(.POST, "/v1/runs/\(id)/rerun?on=original&wait=10s")
        #expect(rerun.status == 201)
        #expect(rerun.string("rerun_of") == id)
        #expect(rerun.string("status") == "succeeded")
        let latest = try await api.request(.POST, "/v1/runs/\(id)/rerun?on=latest")
        #expect(latest.status == 201)
        let badRev = try await api.request(.POST, "/v1/runs/\(id)/rerun?on=no-such-rev")
        #expect(badRev.status == 403)
        #expect(try api.runCount() == 3)
        if let newest = latest.string("id") { _ = try await api.controller.waitForRun(newest, timeout: .seconds(10)) }
        await api.stop()
    }

    @Test("rerun over the API uses only versions the controller applied, of deployed workflows with on.http")
    func rerunOnlyOnAppliedVersions() async throws {
        let api = try await APIFixture(files: ["workflows/greet.yaml": Workflows.greet])
        let first = try await api.request(.POST, "/v1/workflows/greet/runs?wait=10s", body: #"{"inputs":{"name":"a"}}"#)
        let id = try #require(first.string("id"))
        let head = try await api.git.git("rev-parse HEAD")

        // Any revision but original/latest: refused, even the deployed commit itself.
        for on in [head, "main", "HEAD~0"] {
            let reply = try await api.request(.POST, "/v1/runs/\(id)/rerun?on=\(on)")
            #expect(reply.status == 403, "\(on): \(reply.text)")
        }
        // A run of an unmerged branch's version, made outside the controller (as `sire-git runs
        // rerun --on side` would): its original version was never applied here.
        try await api.git.git("checkout -q -b side")
        try api.git.write("workflows/greet.yaml", Workflows.greet.replacingOccurrences(of: "hello", with: "side"))
        try await api.git.commit("side version")
        try await api.git.git("checkout -q main")
        let original = try #require(try api.controller.runtime.store.snapshot { tx in try tx.run(id) })
        let side = try RerunPlan.make(original, on: "side", gitDirectory: api.git.root + "/.git")
        let (sideRun, _) = try await api.controller.runtime.engine.submit(side)
        let refused = try await api.request(.POST, "/v1/runs/\(sideRun.id)/rerun?on=original")
        #expect(refused.status == 403, "\(refused.text)")
        #expect(refused.errorCode == "forbidden")
        let latest = try await api.request(.POST, "/v1/runs/\(sideRun.id)/rerun?on=latest&wait=10s")
        #expect(latest.status == 201, "\(latest.text)")
        #expect(latest.string("rerun_of") == sideRun.id)
        #expect(latest.string("commit") == head || latest.text.contains(head), "\(latest.text)")

        // Retired: nothing reruns.
        try api.git.remove("workflows/greet.yaml")
        try api.git.write(
            "workflows/other.yaml", Workflows.greet.replacingOccurrences(of: "id: greet", with: "id: other"))
        try await api.git.commit("retire greet")
        #expect(await eventually { api.controller.liveWorkflow("greet") == nil })
        let retired = try await api.request(.POST, "/v1/runs/\(id)/rerun?on=original")
        #expect(retired.status == 409, "\(retired.text)")
        await api.stop()
    }

    @Test("workflows show deployment state, triggers and the next schedule fire")
    func workflows() async throws {
        let api = try await APIFixture(files: [
            "workflows/greet.yaml": Workflows.greet, "workflows/scheduled.yaml": Workflows.scheduled,
        ])
        let sha = try await api.git.git("rev-parse HEAD")
        let list = try await api.request(.GET, "/v1/workflows")
        #expect(list.status == 200)
        guard case .object(let root)? = list.json, case .array(let items)? = root["workflows"] else {
            Issue.record("bad list \(list.text)")
            return
        }
        #expect(items.count == 2)
        let one = try await api.request(.GET, "/v1/workflows/scheduled")
        guard case .object(let scheduled)? = one.json, case .object(let applied)? = scheduled["applied"],
            case .object(let triggers)? = scheduled["triggers"], case .array(let schedules)? = triggers["schedules"]
        else {
            Issue.record("bad workflow \(one.text)")
            return
        }
        #expect(scheduled["valid"] == .bool(true))
        #expect(applied["commit"] == .string(sha))
        #expect(triggers["http"] == .bool(false))
        #expect(schedules.count == 1)
        if case .string(let next)? = scheduled["next_fire"] {
            #expect(next.contains("T03:00:00"))
        } else {
            Issue.record("no next_fire in \(one.text)")
        }
        let missing = try await api.request(.GET, "/v1/workflows/nope")
        #expect(missing.status == 404)
        await api.stop()
    }

    @Test("a commit's status is `sire-git status --json`'s data; unknown revisions are 404")
    func commitStatus() async throws {
        let api = try await APIFixture(files: ["workflows/greet.yaml": Workflows.greet])
        let sha = try await api.git.git("rev-parse HEAD")
        let reply = try await api.request(.GET, "/v1/commits/\(sha)/status")
        #expect(reply.status == 200)
        guard case .object(let root)? = reply.json, case .object(let commit)? = root["commit"] else {
            Issue.record("bad status \(reply.text)")
            return
        }
        #expect(commit["sha"] == .string(sha))
        #expect(reply.text.contains("greet"))
        let missing = try await api.request(.GET, "/v1/commits/no-such-rev/status")
        #expect(missing.status == 404)

        // Every run is counted; `?runs=` says how many of the newest are listed.
        for index in 0..<3 {
            _ = try await api.request(
                .POST, "/v1/workflows/greet/runs?wait=10s", body: #"{"inputs":{"name":"n\#(index)"}}"#)
        }
        let recorded = await eventually(within: .seconds(10)) {
            guard case .object(let root)? = try? await api.request(.GET, "/v1/commits/\(sha)/status?runs=1").json
            else { return false }
            guard case .array(let runs)? = root["runs"] else { return false }
            return root["runs_total"] == .int(3) && runs.count == 1
        }
        #expect(recorded)
        let bad = try await api.request(.GET, "/v1/commits/\(sha)/status?runs=some")
        #expect(bad.status == 400, "\(bad.text)")
        await api.stop()
    }
}
