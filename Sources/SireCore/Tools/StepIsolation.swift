/// How the processes a workflow starts (`shell.run` commands, MCP servers over stdio) are
/// kept away from the controller's own credentials and state.
///
/// Two layers, each optional, both applied by prefixing the command line (one mechanism for
/// every kind of child):
/// - a bubblewrap sandbox (`bwrap`, from Debian): a new PID namespace with its own `/proc`
///   (the controller's environment and memory are out of reach), no capabilities, the
///   controller's state directory replaced by an empty tmpfs, its credential files replaced by
///   `/dev/null`, the repository read-only, and only the step's own directories writable;
/// - a step user (`setpriv`, from util-linux), when the controller runs as root: the child
///   runs with that user's uid and gid, no supplementary groups and `no_new_privs`, so file
///   permissions keep it out of whatever the controller's user owns.
public struct StepIsolation: Sendable, Hashable {
    /// The bubblewrap sandbox.
    public struct Sandbox: Sendable, Hashable {
        /// The `bwrap` executable.
        public var bubblewrap: String
        /// Directories the child sees as empty (the state directory).
        public var hiddenDirectories: [String]
        /// Files the child sees as empty (tokens and secrets files).
        public var hiddenFiles: [String]
        /// Paths the child can read but not change (the repository).
        public var readOnly: [String]

        public init(
            bubblewrap: String, hiddenDirectories: [String] = [], hiddenFiles: [String] = [],
            readOnly: [String] = []
        ) {
            self.bubblewrap = bubblewrap
            self.hiddenDirectories = hiddenDirectories
            self.hiddenFiles = hiddenFiles
            self.readOnly = readOnly
        }
    }

    /// The unprivileged user steps run as.
    public struct User: Sendable, Hashable {
        public var name: String
        public var uid: UInt32
        public var gid: UInt32
        /// The `setpriv` executable.
        public var setpriv: String

        public init(name: String, uid: UInt32, gid: UInt32, setpriv: String = "/usr/bin/setpriv") {
            self.name = name
            self.uid = uid
            self.gid = gid
            self.setpriv = setpriv
        }
    }

    public var sandbox: Sandbox?
    public var user: User?

    public init(sandbox: Sandbox? = nil, user: User? = nil) {
        self.sandbox = sandbox
        self.user = user
    }

    /// Children run as the controller does.
    public static let none = StepIsolation()

    public var isNone: Bool { sandbox == nil && user == nil }

    /// The command line that runs `command` (its executable already resolved to a path) with
    /// `directory` as working directory and only `writable` (and what is writable anyway
    /// outside the hidden and read-only paths) open for writing.
    public func commandLine(_ command: [String], directory: String, writable: [String]) -> [String] {
        var line: [String] = []
        if let sandbox {
            line += [sandbox.bubblewrap, "--dev-bind", "/", "/", "--unshare-pid", "--proc", "/proc"]
            line += ["--die-with-parent", "--cap-drop", "ALL"]
            // setpriv needs these two to switch users; the switch itself clears them.
            if user != nil { line += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"] }
            for path in sandbox.readOnly { line += ["--ro-bind-try", path, path] }
            for path in sandbox.hiddenDirectories { line += ["--tmpfs", path] }
            for path in sandbox.hiddenFiles { line += ["--ro-bind-try", "/dev/null", path] }
            // Later mounts win: the step's own directories come back, writable, even inside
            // the hidden state directory.
            for path in writable { line += ["--bind", path, path] }
            line += ["--chdir", directory, "--"]
        }
        if let user {
            line += [
                user.setpriv, "--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "--no-new-privs",
                "--",
            ]
        }
        return line + command
    }
}
