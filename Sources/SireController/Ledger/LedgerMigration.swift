import Foundation
import SireGit

/// Copies version 1 run records (`refs/notes/sire/runs`, every run in one ref) into run
/// partitions with summaries (`sire-git notes migrate`; the controller does it when it starts).
///
/// Nothing is deleted: the version 1 ref stays as it was, for older sire-git versions and for
/// stock git, and `refs/notes/sire/migrated-runs` is set to the notes commit that was copied.
/// Readers skip version 1 records that commit holds and still read any written after it (by
/// an older sire-git), which the next migration copies. The partitions of migrated records are
/// `<YYYY-MM>/migrated.<NNNN>`: by the month each run finished, and one of eight by run id, so
/// two clones that migrate the same records write the same lines to the same partitions.
package enum LedgerMigration {
    /// What a migration did.
    package struct Result: Sendable, Hashable {
        /// Records copied into partitions.
        package var copied: Int
        /// Commits they are on.
        package var commits: Int
        /// Version 1 lines that are not run records sire-git can read (left where they are).
        package var skipped: Int
    }

    /// How many partitions a month of migrated records is spread over.
    static let buckets = 8

    /// Copies what is not copied yet; a no-op when there is no version 1 ledger or it was
    /// copied whole.
    ///
    /// - Throws: ``ControllerError`` `io` when the repository cannot be read or written.
    package static func run(gitDirectory: String) throws -> Result {
        do {
            let repository = try Repository(path: gitDirectory)
            guard let legacy = try repository.referenceTarget(LedgerRef.runs) else {
                return Result(copied: 0, commits: 0, skipped: 0)
            }
            let migrated = try repository.referenceTarget(LedgerRef.migratedRuns)
            if let migrated, try migrated == legacy || repository.isAncestor(legacy, of: migrated) {
                return Result(copied: 0, commits: 0, skipped: 0)
            }
            var lines: [String: [ObjectID: [String]]] = [:]
            var result = Result(copied: 0, commits: 0, skipped: 0)
            let files = CommitFiles(repository)
            for commit in try repository.notedCommits(ref: LedgerRef.runs) {
                let copied = Set(migrated == nil ? [] : try repository.notes(for: commit, ref: LedgerRef.migratedRuns))
                var any = false
                for line in try repository.notes(for: commit, ref: LedgerRef.runs) where !copied.contains(line) {
                    guard let note = RunNote.parse(line, on: commit) else {
                        result.skipped += 1
                        continue
                    }
                    lines[partition(of: note), default: [:]][commit, default: []].append(
                        note.line(on: commit, files: files))
                    result.copied += 1
                    any = true
                }
                if any { result.commits += 1 }
            }
            let author = LedgerIdentity.author(for: repository)
            if !lines.isEmpty {
                try LedgerRecorder.record(
                    lines, in: repository, author: author, message: "sire-git: migrate \(result.copied) run records")
            }
            try repository.updateReference(
                LedgerRef.migratedRuns, to: legacy, expecting: migrated,
                message: "sire-git: version 1 run records copied into partitions")
            return result
        } catch let error as ControllerError {
            throw error
        } catch {
            throw ControllerError(.io, "cannot migrate the runs ledger in \(gitDirectory)", cause: error)
        }
    }

    /// `<YYYY-MM>/migrated.<NNNN>`: the month the run finished, and a bucket of its id.
    static func partition(of note: RunNote) -> String {
        let month = RFC3339Month.of(note.finished_at)
        let bucket = Int(note.run.unicodeScalars.last?.value ?? 0) % buckets + 1
        return "\(month)/migrated.\(String(format: "%04d", bucket))"
    }
}

/// `YYYY-MM` of an RFC 3339 UTC time as the ledger writes them (`1970-01` when unreadable).
enum RFC3339Month {
    static func of(_ text: String) -> String {
        let prefix = text.prefix(7)
        let digits = prefix.enumerated().allSatisfy { index, c in index == 4 ? c == "-" : c.isASCII && c.isNumber }
        return prefix.count == 7 && digits ? String(prefix) : "1970-01"
    }
}
