import Foundation
import SireCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Tells the controller at once when its tracked branch may have moved, with inotify (Linux):
/// git updates a ref by renaming `NAME.lock` over it — a loose ref under `refs/heads/…`, or
/// `packed-refs` in the git directory — so a file moved into one of those directories is a
/// possible update, and ``signal`` is bumped. Without inotify it watches nothing and the
/// controller's regular read of the ref (every 50 ms) is all there is; that read also stays as a
/// safety net for updates the watch cannot see.
package final class RefWatcher: Sendable {
    /// Bumped whenever a watched directory changed.
    package let signal: ChangeSignal
    /// The write end of the pipe the watching thread also polls: closing it stops the thread.
    private let stopDescriptor = Mutex<Int32>(-1)

    /// Starts watching `gitDirectory` and the directory of `refs/heads/BRANCH`.
    package init(gitDirectory: String, branch: String, signal: ChangeSignal) {
        self.signal = signal
        #if os(Linux)
            let inotify = inotify_init1(Int32(IN_CLOEXEC))
            guard inotify >= 0 else { return }
            let mask = UInt32(IN_MOVED_TO | IN_CREATE | IN_CLOSE_WRITE)
            let branchDirectory = ((gitDirectory + "/refs/heads/" + branch) as NSString).deletingLastPathComponent
            var watched = 0
            for directory in Set([gitDirectory, gitDirectory + "/refs/heads", branchDirectory]) {
                if inotify_add_watch(inotify, directory, mask) >= 0 { watched += 1 }
            }
            var ends: [Int32] = [-1, -1]
            guard watched > 0, pipe(&ends) == 0 else {
                close(inotify)
                return
            }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            stopDescriptor.withLock { $0 = ends[1] }
            let stop = ends[0]
            Thread.detachNewThread {
                Self.watch(inotify, until: stop, signal: signal)
                close(inotify)
                close(stop)
            }
        #endif
    }

    /// Stops the watching thread; later calls do nothing.
    package func stop() {
        stopDescriptor.withLock { descriptor in
            guard descriptor >= 0 else { return }
            close(descriptor)
            descriptor = -1
        }
    }

    deinit {
        stop()
    }

    #if os(Linux)
        /// Blocks in `poll(2)` on the inotify descriptor and the stop pipe; bumps `signal` for
        /// every batch of events until the pipe's write end is closed.
        private static func watch(_ inotify: Int32, until stop: Int32, signal: ChangeSignal) {
            var buffer = [UInt8](repeating: 0, count: 4096)
            var descriptors = [
                pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stop, events: Int16(POLLIN), revents: 0),
            ]
            while true {
                let ready = poll(&descriptors, 2, -1)
                if ready < 0 {
                    if errno == EINTR { continue }
                    return
                }
                if descriptors[1].revents != 0 { return }
                if descriptors[0].revents != 0 {
                    let n = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
                    if n < 0 && errno != EINTR && errno != EAGAIN { return }
                    if n > 0 { signal.bump() }
                }
            }
        }
    #endif
}
