import Foundation
import SireCore
import SireTestSupport
import Synchronization
import Testing

@Suite("shell.run")
struct ShellRunTests {
    @Test("argv runs without a shell, in the checkout, and reports exit code, output and duration")
    func argv() async throws {
        let sandbox = try Sandbox()
        let output = try await callBuiltin(
            "shell.run", json(#"{"argv": ["sh", "-c", "pwd; echo \"$1\"", "sh", "$HOME; ls *"]}"#),
            checkout: sandbox.root)
        #expect(output["exit_code"] == .int(0))
        #expect(output["stdout"] == .string(sandbox.root + "\n$HOME; ls *\n"))
        #expect(output["stderr"] == .string(""))
        #expect((output["duration_ms"]?.intValue ?? -1) >= 0)
        #expect(output["stdout_json"] == nil)
        let literal = try await callBuiltin(
            "shell.run", json(#"{"argv": ["echo", "$(id); `id` | cat"]}"#), checkout: sandbox.root)
        #expect(literal["stdout"] == .string("$(id); `id` | cat\n"))
    }

    @Test("a command string runs through /bin/sh only with shell: true")
    func command() async throws {
        let output = try await callBuiltin(
            "shell.run", json(#"{"command": "echo $((1 + 2)) | tr 3 x", "shell": true}"#))
        #expect(output["stdout"] == .string("x\n"))
        let refused = try #require(await expectFailure("shell.run", json(#"{"command": "ls"}"#)))
        #expect(refused.message.contains("shell: true"))
        let both = try #require(
            await expectFailure(
                "shell.run", json(#"{"command": "ls", "argv": ["ls"], "shell": true}"#)))
        #expect(both.message.contains("not both"))
        let none = try #require(await expectFailure("shell.run", json(#"{}"#)))
        #expect(none.message.contains("missing 'argv'"))
    }

    @Test("stdout that is a JSON object or array is also given parsed as stdout_json")
    func stdoutJSON() async throws {
        let object = try await callBuiltin(
            "shell.run", json(#"{"argv": ["printf", "{\"count\": 2, \"ok\": true}\n"]}"#))
        #expect(object["stdout_json"] == json(#"{"count": 2, "ok": true}"#))
        let scalar = try await callBuiltin("shell.run", json(#"{"argv": ["echo", "42"]}"#))
        #expect(scalar["stdout_json"] == nil)
    }

    @Test("stdin is fed to the process")
    func standardInput() async throws {
        let output = try await callBuiltin(
            "shell.run", json(#"{"argv": ["tr", "a-z", "A-Z"], "stdin": "hello\nworld"}"#))
        #expect(output["stdout"] == .string("HELLO\nWORLD"))
    }

    @Test("the child gets a minimal inherited environment plus env; secrets stay out")
    func environment() async throws {
        setenv("SIRE_SECRET_SHELL_TEST_TOKEN", "hunter2", 1)
        let output = try await callBuiltin(
            "shell.run", json(#"{"argv": ["env"], "env": {"GREETING": "hi there", "COUNT": 3}}"#),
            attempt: 2)
        let lines = Set(
            (output["stdout"]?.stringValue ?? "").split(separator: "\n").map(String.init))
        #expect(lines.contains("GREETING=hi there"))
        #expect(lines.contains("COUNT=3"))
        #expect(lines.contains("SIRE_IDEMPOTENCY_KEY=run-1/step-1/2"))
        #expect(lines.contains { $0.hasPrefix("PATH=") })
        #expect(!lines.contains { $0.contains("hunter2") })
    }

    @Test("a non-zero exit is a permanent failure carrying the output")
    func nonZeroExit() async throws {
        let error = try #require(
            await expectFailure(
                "shell.run",
                json(#"{"command": "echo partial; echo 'disk full' >&2; exit 3", "shell": true}"#)))
        #expect(!error.transient)
        #expect(error.message.contains("exited with status 3"))
        #expect(error.message.contains("disk full"))
        #expect(error.output?["exit_code"] == .int(3))
        #expect(error.output?["stdout"] == .string("partial\n"))
        #expect(error.output?["stderr"] == .string("disk full\n"))
    }

    @Test("a program that does not exist is a permanent failure naming it")
    func missingProgram() async throws {
        let error = try #require(
            await expectFailure("shell.run", json(#"{"argv": ["no-such-program-sire-test"]}"#)))
        #expect(!error.transient)
        #expect(error.message.contains("no-such-program-sire-test"))
    }

    @Test("output beyond max_output is truncated with a marker, not an error")
    func truncation() async throws {
        let recorder = LogRecorder()
        let output = try await callBuiltin(
            "shell.run",
            json(
                #"{"command": "yes line | head -n 20000; echo done >&2", "shell": true, "max_output": 1000}"#
            ),
            log: recorder.toolLog)
        let stdout = try #require(output["stdout"]?.stringValue)
        #expect(stdout.hasPrefix(String(repeating: "line\n", count: 200)))
        #expect(stdout.contains("99000 more bytes truncated"))
        #expect(stdout.utf8.count < 1200)
        #expect(output["stderr"] == .string("done\n"))
        #expect(output["exit_code"] == .int(0))
        let stdoutLines = recorder.lines.filter { $0.stream == "stdout" }
        #expect(stdoutLines.filter { $0.message == "line" }.count == 200)
        #expect(stdoutLines.last?.message == "stdout truncated after 1000 bytes")
    }

    @Test(
        "output lines go to the log as they arrive, in order, stdout as info and stderr as warning")
    func streaming() async throws {
        // The process waits, after its first lines, for a file the log sink creates when it
        // sees `line5`: unless lines reach the log while the process runs, it never finishes.
        let go = NSTemporaryDirectory() + "sire-streaming-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: go) }
        let recorder = LogRecorder()
        let log = ToolLog { line in
            recorder.toolLog(line)
            if line.message == "line5" { _ = FileManager.default.createFile(atPath: go, contents: nil) }
        }
        let result = try await callBuiltin(
            "shell.run",
            json(
                #"{"command": "for i in 1 2 3 4 5; do echo line$i; done; echo oops >&2; "#
                    + #"while [ ! -e \#(go) ]; do sleep 0.01; done; printf tail", "shell": true, "timeout": "20s"}"#
            ),
            log: log)
        #expect(result["exit_code"] == .int(0), "\(result)")
        let stdout = recorder.lines.filter { $0.stream == "stdout" }
        #expect(stdout.map(\.message) == ["line1", "line2", "line3", "line4", "line5", "tail"])
        #expect(stdout.allSatisfy { $0.level == "info" })
        let stderr = recorder.lines.filter { $0.stream == "stderr" }
        #expect(stderr == [ToolLogLine(level: "warning", message: "oops", stream: "stderr")])
    }

    @Test("a timeout stops the process and is a transient failure with the partial output")
    func timeout() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let error = try #require(
            await expectFailure(
                "shell.run",
                json(#"{"command": "echo started; sleep 300", "shell": true, "timeout": "300ms"}"#)))
        // The command would take 300 s; far less means the timeout stopped it (the margin
        // is wide so a loaded machine running tests in parallel cannot blur it).
        #expect(clock.now - start < .seconds(120))
        #expect(error.transient)
        #expect(error.message.contains("timed out after 300ms"))
        #expect(error.output?["stdout"] == .string("started\n"))
    }

    @Test("the call's own timeout applies too")
    func callTimeout() async throws {
        let error = try #require(
            await expectFailure(
                "shell.run", json(#"{"argv": ["sleep", "30"]}"#), timeout: .milliseconds(200)))
        #expect(error.transient)
        #expect(error.message.contains("timed out"))
    }

    /// Starts `command` (which must print a pid first), waits for the pid, cancels the call and
    /// returns the pid, the failure, and how long the call took to end after cancelling.
    private func cancelAfterPID(_ params: Value) async throws -> (Int32, ToolError?, Duration) {
        let recorder = LogRecorder()
        let task = Task { () async -> ToolError? in
            do {
                _ = try await callBuiltin("shell.run", params, log: recorder.toolLog)
                return nil
            } catch let error as ToolError {
                return error
            } catch {
                return nil
            }
        }
        let printed = await eventually { !recorder.lines.isEmpty }
        try #require(printed, "the child never printed its pid")
        let pid = try #require(Int32(recorder.lines[0].message))
        #expect(isRunning(pid))
        let clock = ContinuousClock()
        let cancelled = clock.now
        task.cancel()
        let error = await task.value
        return (pid, error, clock.now - cancelled)
    }

    @Test("cancelling the task kills the child at once (SIGTERM) and nothing is left running")
    func cancellationKillsChild() async throws {
        let (pid, error, elapsed) = try await cancelAfterPID(
            json(#"{"command": "echo $$; exec sleep 300", "shell": true}"#))
        #expect(elapsed < .seconds(120))
        #expect(!isRunning(pid))
        let failure = try #require(error)
        #expect(failure.transient)
        #expect(failure.message.contains("cancelled"))
    }

    @Test("cancelling also kills what the child started (its whole process group)")
    func cancellationKillsGrandchildren() async throws {
        let (pid, _, elapsed) = try await cancelAfterPID(
            json(#"{"command": "sleep 300 & echo $!; wait", "shell": true}"#))
        #expect(elapsed < .seconds(120))
        #expect(await eventually(within: .seconds(20)) { !isRunning(pid) })
    }

    @Test("a child that ignores SIGTERM is killed with SIGKILL after the grace period")
    func graceThenKill() async throws {
        let (pid, _, elapsed) = try await cancelAfterPID(
            json(
                #"{"command": "trap '' TERM; echo $$; while :; do sleep 0.05; done", "shell": true, "grace": "500ms"}"#
            ))
        #expect(elapsed >= .milliseconds(450))
        // The loop never ends by itself: ending at all means SIGKILL came.
        #expect(elapsed < .seconds(120))
        #expect(await eventually(within: .seconds(20)) { !isRunning(pid) })
    }
}

/// A list appended to from any thread.
final class LockedList<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])
    func append(_ item: Element) { storage.withLock { $0.append(item) } }
    var items: [Element] { storage.withLock { $0 } }
}
