import SireCore
import Testing

@Suite("log.write and time.sleep")
struct LogAndSleepTests {
    @Test("log.write sends the line to the call's log and returns it")
    func logWrite() async throws {
        let recorder = LogRecorder()
        let output = try await callBuiltin(
            "log.write", json(#"{"level": "error", "message": "upload failed"}"#),
            log: recorder.toolLog)
        #expect(output == json(#"{"level": "error", "message": "upload failed"}"#))
        #expect(recorder.lines == [ToolLogLine(level: "error", message: "upload failed")])
        _ = try await callBuiltin(
            "log.write", json(#"{"message": {"n": 1}}"#), log: recorder.toolLog)
        #expect(recorder.lines.last == ToolLogLine(level: "info", message: #"{"n":1}"#))
    }

    @Test("log.write refuses an unknown level and a missing message")
    func logWriteErrors() async throws {
        let level = try #require(
            await expectFailure("log.write", json(#"{"level": "eror", "message": "x"}"#)))
        #expect(level.message.contains("did you mean 'error'?"))
        let message = try #require(await expectFailure("log.write", json(#"{"level": "info"}"#)))
        #expect(message.message.contains("missing required parameter 'message'"))
    }

    @Test(
        "time.sleep sleeps for a duration text or a number of seconds",
        arguments: [#""150ms""#, "0.15"])
    func sleep(duration: String) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let output = try await callBuiltin("time.sleep", json(#"{"duration": \#(duration)}"#))
        let elapsed = clock.now - start
        #expect(elapsed >= .milliseconds(150))
        #expect((output["slept_ms"]?.intValue ?? 0) >= 150)
    }

    @Test("time.sleep ends early when cancelled")
    func sleepCancelled() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let task = Task { () async -> ToolError? in
            do {
                _ = try await callBuiltin("time.sleep", json(#"{"duration": "30s"}"#))
                return nil
            } catch let error as ToolError {
                return error
            } catch {
                return nil
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let error = try #require(await task.value)
        // A 30 s sleep: far less means cancellation ended it.
        #expect(clock.now - start < .seconds(15))
        #expect(error.transient)
        #expect(error.message.contains("cancelled"))
    }

    @Test("time.sleep refuses a malformed duration")
    func badDuration() async throws {
        let error = try #require(
            await expectFailure("time.sleep", json(#"{"duration": "5 minutes"}"#)))
        #expect(error.message.contains("'duration' is not a duration"))
    }
}
