import Foundation

/// Where a writer puts its run records: partition `<YYYY-MM>/<writer>.<NNNN>` (see ``LedgerRef``),
/// the month it was opened in, the writer's id (one per index) and a sequence number. A
/// partition takes ``capacity`` runs, then the next one opens; a new month opens one too. So
/// every note blob stays bounded however long a commit stays deployed, and only one writer
/// ever writes a partition: pushes from several controllers do not collide on it.
package struct LedgerPartition: Sendable, Hashable {
    /// Runs per partition: a note of one commit in one partition is at most this many records
    /// (about 230 bytes each).
    package static let capacity = 2000

    /// The index's writer id: six lowercase letters and digits.
    package var writer: String
    /// `YYYY-MM`, UTC.
    package var month: String
    /// The writer's partition number, from 1.
    package var sequence: Int
    /// Runs assigned to it so far.
    package var count: Int

    /// The partition's name, as in its ref.
    package var name: String { "\(month)/\(writer).\(String(format: "%04d", sequence))" }

    /// The cursor as the index keeps it: `NAME COUNT`.
    package var state: String { "\(name) \(count)" }

    /// A writer's first partition, opened at `date`, empty.
    package init(writer: String, opening date: Date) {
        self.writer = writer
        self.month = Self.month(of: date)
        self.sequence = 1
        self.count = 0
    }

    /// The cursor kept in the index; nil when `state` is not one.
    package init?(state: String) {
        let parts = state.split(separator: " ")
        guard parts.count == 2, let count = Int(parts[1]) else { return nil }
        let name = parts[0].split(separator: "/")
        guard name.count == 2, let dot = name[1].lastIndex(of: "."),
            let sequence = Int(name[1][name[1].index(after: dot)...])
        else { return nil }
        self.month = String(name[0])
        self.writer = String(name[1][..<dot])
        self.sequence = sequence
        self.count = count
    }

    /// The partition the next run recorded at `date` goes to; opens the next partition when
    /// this one is full or was opened in another month.
    package mutating func take(at date: Date) -> String {
        let month = Self.month(of: date)
        if count >= Self.capacity || month != self.month {
            self.month = month
            sequence += 1
            count = 0
        }
        count += 1
        return name
    }

    /// A fresh writer id.
    package static func newWriter() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<6).map { _ in alphabet.randomElement()! })
    }

    /// `YYYY-MM` of `date` in UTC.
    package static func month(of date: Date) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: .utc, from: date)
        return String(format: "%04d-%02d", parts.year ?? 1970, parts.month ?? 1)
    }

    /// Whether `name` has a partition name's shape (`YYYY-MM/<letters and digits>.NNNN`): names
    /// read from the ledger, which anyone who can push may have written, become ref names
    /// only when they do.
    package static func isValidName(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, RFC3339Month.of(String(parts[0])) == parts[0],
            let dot = parts[1].lastIndex(of: ".")
        else { return false }
        let writer = parts[1][..<dot], sequence = parts[1][parts[1].index(after: dot)...]
        return !writer.isEmpty && writer.count <= 32
            && writer.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) }
            && sequence.count == 4 && sequence.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The index's key for the writer's current partition.
    package static let stateKey = "ledger_partition"
}
