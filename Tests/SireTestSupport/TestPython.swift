import Foundation

/// The Python that runs the test peers: the project's virtual environment (`make test` fills
/// `.build/venv` from `fixtures/peers/requirements.txt`), or `SIRE_TEST_PYTHON` when set.
public enum TestPython {
    /// The repository root (three levels above this file).
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The interpreter's absolute path, usable in a `sire.yaml` server command too.
    public static let path: String = {
        if let override = ProcessInfo.processInfo.environment["SIRE_TEST_PYTHON"] { return override }
        let venv = packageRoot + "/.build/venv/bin/python3"
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : ChildProcess.which("python3")
    }()

    /// A file under `fixtures/`.
    public static func fixture(_ relative: String) -> String { packageRoot + "/fixtures/" + relative }
}
